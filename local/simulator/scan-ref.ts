import * as z from "zod";
import { badValue } from "./api-errors";
import type { RouteContext } from "./route";
import type { Verification } from "./state";
import { parseRequest, scanRefField } from "./validation";

const scanRefRequest = z.object({ scanRef: scanRefField });

/**
 * The verification a `{ scanRef }` request names, or the error Mark ID gives: MISSING_VALUE when
 * absent, BAD_VALUE when malformed or unknown (the value is not echoed back).
 */
export function findVerification(
  context: RouteContext,
  scanRef?: unknown,
): Verification | { reply: ReturnType<typeof badValue> } {
  const parsed = parseRequest(scanRefRequest, scanRef === undefined ? context.body : { scanRef });
  if (!parsed.ok) return { reply: parsed.reply };
  const verification = context.core.state.get(parsed.value.scanRef);
  return verification ?? { reply: badValue("scanRef", "no verification with this scanRef") };
}

export function isVerification(value: Verification | { reply: unknown }): value is Verification {
  return "scanRef" in value;
}
