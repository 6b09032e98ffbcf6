import * as z from "zod";
import { apiError, badValue } from "./api-errors";
import { applyAutoResult, type AutoResult } from "./lifecycle";
import { emptyReply, type Reply } from "./reply";
import type { RouteContext, RouteTable } from "./route";
import { isTokenExpired } from "./state";
import { alpha2, parseRequest } from "./validation";
import { PROCESS_DOCUMENT_TYPES, PROCESS_IMAGE_STEPS } from "./vocabulary";

// POST /api/v2/process (markid-api.md §6.1): the partner uploads the images; the token is spent.

const MAX_IMAGE_BYTES = 6 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const image = z.string().nullish();
const processRequest = z.object({
  authToken: z.string().min(1).max(40),
  country: alpha2,
  documentType: z.enum(PROCESS_DOCUMENT_TYPES),
  images: z.object(
    Object.fromEntries(PROCESS_IMAGE_STEPS.map((step) => [step, image])) as Record<
      (typeof PROCESS_IMAGE_STEPS)[number],
      typeof image
    >,
  ),
});

// Two-sided documents need their back; the docs' own failure example is the missing BACK step.
const TWO_SIDED = new Set(["ID_CARD", "RESIDENCE_PERMIT"]);

/**
 * A FRONT image whose bytes spell a result ("DENIED", "SUSPECTED", "APPROVED") decides the
 * outcome, so tests can steer a direct-processing session; any real image is APPROVED.
 */
const STEERABLE: readonly AutoResult[] = ["APPROVED", "DENIED", "SUSPECTED"];

function processImages(context: RouteContext): Reply {
  const parsed = parseRequest(processRequest, context.body);
  if (!parsed.ok) return parsed.reply;
  const request = parsed.value;

  const verification = context.core.state.getByAuthToken(request.authToken);
  if (verification === undefined) return apiError("TOKEN_NOT_VALID", "Verification token is not valid.");
  if (verification.tokenUsed) return apiError("TOKEN_NOT_VALID", "Verification token has already been used.");
  if (isTokenExpired(verification, context.now))
    return apiError("TOKEN_NOT_VALID", "Verification token has expired.");

  const required: readonly (typeof PROCESS_IMAGE_STEPS)[number][] = TWO_SIDED.has(request.documentType)
    ? ["FRONT", "BACK", "FACE"]
    : ["FRONT", "FACE"];
  for (const step of required) {
    const value = request.images[step];
    if (value == null || value === "")
      return apiError("MISSING_VALUE", `No image provided for step '${step}'`);
  }
  for (const step of PROCESS_IMAGE_STEPS) {
    const value = request.images[step];
    if (value == null || value === "") continue;
    if (!BASE64.test(value)) return badValue(`images.${step}`, "must be a base64 encoded image");
    if ((value.length * 3) / 4 > MAX_IMAGE_BYTES) return badValue(`images.${step}`, "image exceeds 6 MB");
  }

  const front = Buffer.from(request.images.FRONT ?? "", "base64")
    .toString("latin1")
    .trim();
  const result = STEERABLE.find((candidate) => candidate === front) ?? "APPROVED";
  // Direct processing has no manual review in the simulator: one final webhook.
  applyAutoResult(context.core, verification, result, {
    final: true,
    platform: "OTHER",
    documentType: request.documentType,
    country: request.country,
  });
  return emptyReply(200);
}

export const processRoutes: RouteTable = {
  "/api/v2/process": { method: "POST", auth: true, handle: processImages },
};
