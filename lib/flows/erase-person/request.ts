import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { clientErasureId } from "../../aws/erased-clients";
import { lazily } from "../../lazily";

/* The erasure request's body: `{ "erase": { "clientId": ... } }` or `{ "erase": { "scanRef": ... } }`. */

const requestSchema = lazily(() =>
  z.object({
    erase: z.union([
      z.object({ clientId: z.string().check(z.minLength(1)) }),
      z.object({ scanRef: z.string().check(z.minLength(1)) }),
    ]),
  }),
);

/** Who an erasure request names: a person, or one session. */
export type ErasureTarget = { readonly clientId: string } | { readonly scanRef: string };

/** Never the clientId: a hash the sender can compute from what it sent. */
export function erasureIdOf(target: ErasureTarget): string {
  if ("clientId" in target) return clientErasureId(target.clientId);
  return createHash("sha256").update(`scanRef:${target.scanRef}`).digest("hex");
}

/** The request's target, or the paths of its invalid fields (never their values). */
export function parseErasureRequest(body: string): ErasureTarget | { readonly fields: readonly string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { fields: ["(body)"] };
  }
  const parsed = requestSchema().safeParse(json);
  if (parsed.success) return parsed.data.erase;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(body)"))];
  return { fields };
}
