import * as z from "zod/mini";
import { alpha2 } from "./common";

export const PROCESS_DOCUMENT_TYPES = [
  "ID_CARD",
  "PASSPORT",
  "RESIDENCE_PERMIT",
  "DRIVER_LICENSE",
  "OTHER",
] as const;

/** The API's whole-request limit for direct processing (§6.1). */
export const PROCESS_MAX_REQUEST_BYTES = 20 * 1024 * 1024;

// 6 MB per image, counted on the decoded bytes: base64 spends 4 characters per 3 bytes.
const MAX_IMAGE_BYTES = 6 * 1024 * 1024;
const MAX_IMAGE_BASE64_LENGTH = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;

const image = () =>
  z.optional(
    z.nullable(
      z.base64("must be base64").check(z.maxLength(MAX_IMAGE_BASE64_LENGTH, "must be at most 6 MB")),
    ),
  );

/** `POST /api/v2/process`: upload the images yourself; the token is spent afterwards. */
export const processRequestSchema = z.strictObject({
  authToken: z.string().check(z.minLength(1), z.maxLength(40)),
  country: alpha2(),
  documentType: z.enum(PROCESS_DOCUMENT_TYPES),
  images: z.strictObject({
    FRONT: image(),
    BACK: image(),
    FACE: image(),
    UTILITY_BILL: image(),
    // Older iDenfy docs only.
    PASSPORT_COVER: image(),
  }),
});

export type ProcessRequest = z.input<typeof processRequestSchema>;
