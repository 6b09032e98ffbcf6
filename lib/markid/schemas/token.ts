import * as z from "zod/mini";
import { lazily } from "../../lazily";
import type { RequestValidator } from "../endpoint";
import { idString, nullish } from "./common";
import { checkTokenRequest, type TokenRequest } from "./token-request";

export type { TokenRequest } from "./token-request";

/**
 * POST /api/v2/token's request check. Not a zod schema built at load: the ~80 documented fields
 * are checked by group, each group's schema built when a request first uses it (token-request.ts).
 */
export const tokenRequestValidator: RequestValidator<TokenRequest> = { validateRequest: checkTokenRequest };

/**
 * The reply echoes every request field with defaults filled (§3.3). Only what a caller needs is
 * typed; the rest passes through untouched, so an odd echo never loses a session that has already
 * spent a credit. Lazy: built on the first reply, not at every cold start (bench/cold-init.ts).
 */
export const tokenResponseSchema = lazily(() =>
  z.looseObject({
    message: z.optional(z.string()),
    authToken: z.string().check(z.minLength(1)),
    scanRef: z.string().check(z.minLength(1)),
    // Nullable in echoes (markid-api.md §12); the session is kept under the clientId we sent.
    clientId: nullish(idString()),
    digitString: nullish(z.string()),
    personScanRef: nullish(z.string()),
    redirectUrl: nullish(z.string()),
    expiryTime: nullish(z.number()),
    sessionLength: nullish(z.number()),
    tokenType: nullish(z.string()),
    externalRef: nullish(z.string()),
    firstName: nullish(z.string()),
    lastName: nullish(z.string()),
  }),
);

export type TokenResponse = z.output<ReturnType<typeof tokenResponseSchema>>;
