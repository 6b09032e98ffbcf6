import { randomUUID } from "node:crypto";
import type { SimulatorCore } from "./core";
import { cleanServiceResult, fakeDocumentData, fakeFileUrls } from "./fake-data";
import { isTokenExpired, type Verification } from "./state";
import { resultPayload } from "./webhook-payload";

/** How a verification's automatic check ended (what a dummy status or /process decides). */
export type AutoResult = "APPROVED" | "DENIED" | "SUSPECTED" | "EXPIRED";

interface AutoChecks {
  readonly autoFace: string | null;
  readonly autoDocument: string | null;
  readonly fraudTags: readonly string[];
}

const AUTO_CHECKS: Readonly<Record<AutoResult, AutoChecks>> = {
  APPROVED: { autoFace: "FACE_MATCH", autoDocument: "DOC_VALIDATED", fraudTags: [] },
  DENIED: { autoFace: "FACE_MISMATCH", autoDocument: "DOC_VALIDATED", fraudTags: [] },
  // Face and document pass, a fraud tag turns it SUSPECTED (§7.6): the case partners must decide.
  SUSPECTED: { autoFace: "FACE_MATCH", autoDocument: "DOC_VALIDATED", fraudTags: ["DUPLICATE_FACE"] },
  // The user never uploaded every photo: nothing was analysed.
  EXPIRED: { autoFace: null, autoDocument: null, fraudTags: [] },
};

export interface AutoResultOptions {
  readonly final: boolean;
  readonly platform: string;
  readonly documentType?: string;
  readonly country?: string;
}

/** Record the automatic result and send its webhook. The token counts as used from now on. */
export function applyAutoResult(
  core: SimulatorCore,
  verification: Verification,
  result: AutoResult,
  options: AutoResultOptions,
): void {
  const checks = AUTO_CHECKS[result];
  const now = Math.floor(Date.now() / 1000);
  verification.tokenUsed = true;
  verification.status = result;
  verification.autoFace = checks.autoFace;
  verification.autoDocument = checks.autoDocument;
  verification.fraudTags = [...checks.fraudTags];
  verification.mismatchTags = [];
  verification.platform = options.platform;
  if (result === "EXPIRED") {
    verification.startTime = null;
    verification.finishTime = null;
  } else {
    const documentType = options.documentType ?? firstDocument(verification);
    verification.startTime = now - 90;
    verification.finishTime = now;
    verification.data = fakeDocumentData(verification.token, {
      documentType,
      ...(options.country === undefined ? {} : { country: options.country }),
      ...(result === "SUSPECTED" ? { duplicateOf: randomUUID() } : {}),
    });
    verification.fileUrls = fakeFileUrls(core.baseUrl, verification.scanRef, documentType !== "PASSPORT");
    const services = requestedServices(verification);
    verification.AML = services.aml ? [cleanServiceResult("AML")] : null;
    verification.LID = services.lid ? [cleanServiceResult("LID")] : null;
  }
  notify(core, verification, options.final);
}

/** A human's decision (§4.2): APPROVED only with FACE_MATCH and DOC_VALIDATED. Always final. */
export function applyManualResult(
  core: SimulatorCore,
  verification: Verification,
  face: string,
  document: string,
): void {
  verification.manualFace = face;
  verification.manualDocument = document;
  verification.status = face === "FACE_MATCH" && document === "DOC_VALIDATED" ? "APPROVED" : "DENIED";
  verification.tokenUsed = true;
  notify(core, verification, true);
}

/**
 * The token's expiryTime has passed (or control.expire said so). An unused token becomes an
 * EXPIRED verification with a final webhook (§7.1); a finished one keeps its result.
 */
export function expireVerification(core: SimulatorCore, verification: Verification, now: number): void {
  verification.expiresAt = Math.min(verification.expiresAt, now);
  if (verification.status !== "ACTIVE") return;
  verification.status = "EXPIRED";
  verification.tokenUsed = true;
  notify(core, verification, true);
}

/** Expire every unused token whose time is up; run before each API request (lazy clock). */
export function sweepExpired(core: SimulatorCore, now: number): void {
  for (const verification of core.state.all()) {
    if (verification.status === "ACTIVE" && isTokenExpired(verification, now))
      expireVerification(core, verification, now);
  }
}

/** Deleting removes personal data and files but keeps the verification's identity and status trail. */
export function deleteVerificationData(verification: Verification): void {
  verification.status = verification.startTime === null ? "EXPIRED-DELETED" : "DELETED";
  verification.data = null;
  verification.fileUrls = null;
  verification.AML = null;
  verification.LID = null;
}

function notify(core: SimulatorCore, verification: Verification, final: boolean): void {
  // The per-token callbackUrl overrides the environment's webhook URL (§7.1).
  core.webhooks.send(verification.callbackUrl ?? core.state.webhookUrl, resultPayload(verification, final));
}

function firstDocument(verification: Verification): string {
  const documents = verification.token["documents"];
  const first: unknown = Array.isArray(documents) ? documents[0] : undefined;
  return typeof first === "string" ? first : "ID_CARD";
}

function requestedServices(verification: Verification): { aml: boolean; lid: boolean } {
  const services = verification.token["fraudServices"];
  const list: unknown[] = Array.isArray(services) ? services : [];
  return { aml: list.includes("AML_NAMES_CHECK") || list.includes("AML_NEWS"), lid: list.includes("LID") };
}
