import * as z from "zod/mini";
import { idString, nullish, openString, scanRef, stringList } from "./common";

/** Body of the lookups by scanRef: status, data, files, delete (§6.2–§6.4, iDenfy only). */
export const scanRefRequestSchema = z.strictObject({ scanRef: scanRef() });

export type ScanRefRequest = z.input<typeof scanRefRequestSchema>;

/**
 * `POST /api/v2/status`. `manualDocument`/`manualFace` are "empty if not reviewed yet": null,
 * absent or "" are all accepted as they come.
 */
export const statusResponseSchema = z.looseObject({
  status: openString(),
  scanRef: z.optional(z.string()),
  clientId: z.optional(idString()),
  autoDocument: nullish(openString()),
  autoFace: nullish(openString()),
  manualDocument: nullish(openString()),
  manualFace: nullish(openString()),
  fraudTags: nullish(stringList()),
  mismatchTags: nullish(stringList()),
});

export type StatusResponse = z.output<typeof statusResponseSchema>;
