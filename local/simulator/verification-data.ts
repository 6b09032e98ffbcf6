import { emptyDocumentData, emptyFileUrls } from "./fake-data";
import { jsonReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { findVerification, isVerification } from "./scan-ref";

// POST /api/v2/status, /data, /files (markid-api.md §6.2, §6.3; iDenfy-documented).

function status(context: RouteContext): Reply {
  const found = findVerification(context);
  if (!isVerification(found)) return found.reply;
  return jsonReply(200, {
    status: found.status,
    autoDocument: found.autoDocument,
    autoFace: found.autoFace,
    manualDocument: found.manualDocument,
    manualFace: found.manualFace,
    fraudTags: [...found.fraudTags],
    mismatchTags: [...found.mismatchTags],
    scanRef: found.scanRef,
    clientId: found.clientId,
  });
}

function data(context: RouteContext): Reply {
  const found = findVerification(context);
  if (!isVerification(found)) return found.reply;
  return jsonReply(200, {
    ...(found.data ?? emptyDocumentData()),
    scanRef: found.scanRef,
    clientId: found.clientId,
  });
}

function files(context: RouteContext): Reply {
  const found = findVerification(context);
  if (!isVerification(found)) return found.reply;
  return jsonReply(200, found.fileUrls ?? emptyFileUrls());
}

export const verificationDataRoutes: RouteTable = {
  "/api/v2/status": { method: "POST", auth: true, handle: status },
  "/api/v2/data": { method: "POST", auth: true, handle: data },
  "/api/v2/files": { method: "POST", auth: true, handle: files },
};
