import { createHash, timingSafeEqual } from "node:crypto";

/** HTTP Basic auth against the current key pair (markid-api.md §1). */
export function isAuthorized(header: string | undefined, apiKey: string, apiSecret: string): boolean {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (match?.[1] === undefined) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  // Hash both sides so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(digest(decoded), digest(`${apiKey}:${apiSecret}`));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
