import { emptyDocumentData, emptyFileUrls } from "./fake-data";
import type { Verification } from "./state";

/** The result webhook body (markid-api.md §7.5–7.10) for a verification as it stands now. */
export function resultPayload(verification: Verification, final: boolean): Record<string, unknown> {
  return {
    final,
    platform: verification.platform,
    status: {
      overall: verification.status,
      suspicionReasons: [],
      fraudTags: [...verification.fraudTags],
      mismatchTags: [...verification.mismatchTags],
      autoFace: verification.autoFace,
      manualFace: verification.manualFace,
      autoDocument: verification.autoDocument,
      manualDocument: verification.manualDocument,
      additionalSteps: null,
    },
    data: verification.data ?? emptyDocumentData(),
    fileUrls: verification.fileUrls ?? emptyFileUrls(),
    ...(verification.AML === null ? {} : { AML: verification.AML }),
    ...(verification.LID === null ? {} : { LID: verification.LID }),
    scanRef: verification.scanRef,
    externalRef: verification.externalRef,
    clientId: verification.clientId,
    startTime: verification.startTime,
    finishTime: verification.finishTime,
    // Documentation-range address (RFC 5737): plausible, and obviously not a real user.
    clientIp: "203.0.113.7",
    clientIpCountry: "LT",
    clientLocation: "Vilnius, Lithuania",
    gdcMatch: null,
    manualAddress: null,
    manualAddressMatch: false,
  };
}
