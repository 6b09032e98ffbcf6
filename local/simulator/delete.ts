import { apiError, TOKEN_NOT_EXPIRED_MESSAGE } from "./api-errors";
import { deleteVerificationData } from "./lifecycle";
import { emptyReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { findVerification, isVerification } from "./scan-ref";
import { isTokenExpired } from "./state";

// POST /api/v2/delete (markid-api.md §6.4): only once the token has expired, whatever the result.

function deleteVerification(context: RouteContext): Reply {
  const found = findVerification(context);
  if (!isVerification(found)) return found.reply;
  if (!isTokenExpired(found, context.now)) return apiError("PARTNER_ERROR", TOKEN_NOT_EXPIRED_MESSAGE);
  deleteVerificationData(found);
  return emptyReply(200);
}

export const deleteRoutes: RouteTable = {
  "/api/v2/delete": { method: "POST", auth: true, handle: deleteVerification },
};
