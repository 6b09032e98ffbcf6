import * as z from "zod";
import { badValue, notAvailableForEnvironment } from "./api-errors";
import { applyManualResult } from "./lifecycle";
import { emptyReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { findVerification, isVerification } from "./scan-ref";
import { parseRequest } from "./validation";
import { MANUAL_DOCUMENT_RESULTS, MANUAL_FACE_RESULTS } from "./vocabulary";

// POST /api/v2/add-dummy-status (markid-api.md §4.2): a manual-review result for a dummy session.

const manualResultRequest = z.object({
  // The docs' table types scanRef as "List", their example as a string: accept both, one element.
  scanRef: z.union([z.string(), z.array(z.string()).length(1)]),
  manualFaceMatchResult: z.enum(MANUAL_FACE_RESULTS),
  manualDocumentValidity: z.enum(MANUAL_DOCUMENT_RESULTS),
});

function addDummyStatus(context: RouteContext): Reply {
  const { core } = context;
  if (core.state.environment !== "DEV") return notAvailableForEnvironment(core.state.environment);
  const parsed = parseRequest(manualResultRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const { scanRef, manualFaceMatchResult, manualDocumentValidity } = parsed.value;
  const found = findVerification(context, Array.isArray(scanRef) ? scanRef[0] : scanRef);
  if (!isVerification(found)) return found.reply;
  if (!found.dummy) return badValue("scanRef", "not a dummy verification");
  applyManualResult(core, found, manualFaceMatchResult, manualDocumentValidity);
  return emptyReply(200);
}

export const dummyStatusRoutes: RouteTable = {
  "/api/v2/add-dummy-status": { method: "POST", auth: true, handle: addDummyStatus },
};
