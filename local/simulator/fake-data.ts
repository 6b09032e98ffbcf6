import type { TokenEcho } from "./state";

/**
 * Plausible, obviously fake personal data for result payloads (§7.7). Values the partner sent
 * with the token win, as on the real platform where they would be read from the document and
 * match — so an end-to-end test sees its own data come back.
 */

const DATA_KEYS = [
  "docFirstName",
  "docLastName",
  "docNumber",
  "docPersonalCode",
  "docExpiry",
  "docDob",
  "docDateOfIssue",
  "docType",
  "docSex",
  "docNationality",
  "docIssuingCountry",
  "birthPlace",
  "authority",
  "address",
  "mothersMaidenName",
  "driverLicenseCategory",
  "manuallyDataChanged",
  "fullName",
  "selectedCountry",
  "orgFirstName",
  "orgLastName",
  "orgNationality",
  "orgBirthPlace",
  "orgAuthority",
  "orgAddress",
  "ageEstimate",
  "clientIpProxyRiskLevel",
  "duplicateFaces",
  "duplicateDocFaces",
  "additionalData",
] as const;

const FILE_KEYS = ["FRONT", "BACK", "FACE", "FRONT_VIDEO", "BACK_VIDEO", "FACE_VIDEO"] as const;

function text(token: TokenEcho, key: string): string | null {
  const value = token[key];
  return typeof value === "string" ? value : null;
}

/** The `data` object of a verification whose documents were never read (EXPIRED, deleted). */
export function emptyDocumentData(): Record<string, unknown> {
  const data: Record<string, unknown> = Object.fromEntries(DATA_KEYS.map((key) => [key, null]));
  data["manuallyDataChanged"] = false;
  return data;
}

export function fakeDocumentData(
  token: TokenEcho,
  options: { documentType?: string; country?: string; duplicateOf?: string } = {},
): Record<string, unknown> {
  const firstName = (text(token, "firstName") ?? "JONAS").toUpperCase();
  const lastName = (text(token, "lastName") ?? "JONAITIS").toUpperCase();
  const country = options.country ?? text(token, "country") ?? "LT";
  const documents = Array.isArray(token["documents"]) ? (token["documents"] as unknown[]) : [];
  const docType = options.documentType ?? (typeof documents[0] === "string" ? documents[0] : "ID_CARD");
  const sex = text(token, "sex");
  return {
    ...emptyDocumentData(),
    docFirstName: firstName,
    docLastName: lastName,
    docNumber: text(token, "documentNumber") ?? "SIM000001",
    docPersonalCode: text(token, "personalNumber") ?? "39001010000",
    docExpiry: text(token, "dateOfExpiry") ?? "2033-05-14",
    docDob: text(token, "dateOfBirth") ?? "1990-01-01",
    docDateOfIssue: text(token, "dateOfIssue") ?? "2023-05-14",
    docType,
    docSex: sex === "F" ? "FEMALE" : sex === "M" ? "MALE" : "UNDEFINED",
    docNationality: text(token, "nationality") ?? country,
    docIssuingCountry: country,
    birthPlace: "VILNIUS",
    authority: "SIMULATED AUTHORITY",
    address: text(token, "address"),
    driverLicenseCategory: docType === "DRIVER_LICENSE" ? "B" : null,
    fullName: `${firstName} ${lastName}`,
    selectedCountry: country,
    orgFirstName: firstName,
    orgLastName: lastName,
    orgNationality: "LIETUVOS",
    orgBirthPlace: "VILNIUS",
    ageEstimate: "OVER_25",
    duplicateFaces: options.duplicateOf === undefined ? null : [options.duplicateOf],
  };
}

export function emptyFileUrls(): Record<string, string | null> {
  return Object.fromEntries(FILE_KEYS.map((key) => [key, null]));
}

/**
 * File URLs pointing back at the simulator (GET /__files), time-limited in form like Mark ID's
 * pre-signed S3 links, so a client that downloads them gets a real (tiny) image.
 */
export function fakeFileUrls(
  baseUrl: string,
  scanRef: string,
  withBack: boolean,
): Record<string, string | null> {
  const expires = Math.floor(Date.now() / 1000) + 86_400;
  const url = (step: string): string =>
    `${baseUrl}/__files?scanRef=${encodeURIComponent(scanRef)}&step=${step}&Expires=${expires}`;
  return { ...emptyFileUrls(), FRONT: url("FRONT"), BACK: withBack ? url("BACK") : null, FACE: url("FACE") };
}

/** One AML or LID service entry with no hit (§7.9). */
export function cleanServiceResult(group: "AML" | "LID"): Record<string, unknown> {
  return {
    status: {
      serviceSuspected: false,
      checkSuccessful: true,
      serviceFound: true,
      serviceUsed: true,
      overallStatus: "NOT_SUSPECTED",
    },
    data: [],
    serviceName: group === "AML" ? "PilotApiAmlV2" : "IrdInvalidPapers",
    serviceGroupType: group,
    uid: "SIM" + Math.random().toString(36).slice(2, 12).toUpperCase(),
    errorMessage: null,
  };
}
