/**
 * One result webhook as Mark ID sends it (markid-api.md §7): the automatic result of a passport
 * check, a manual review to follow. Synthetic data: no real person, document or file. The sample
 * Lambda events (test/infra/sample-events.ts, events/http-webhook.json) carry it as it is; the
 * webhook benchmarks (bench/support/webhook-delivery.ts) post it with a fresh scanRef each time.
 */
export const SAMPLE_RESULT_WEBHOOK = {
  final: false,
  platform: "MOBILE",
  scanRef: "5b1e0f7a-2c3d-11ee-9a41-0242ac120002",
  clientId: "cust-4821",
  externalRef: "order-77",
  startTime: 1_764_064_200,
  finishTime: 1_764_064_290,
  clientIp: "203.0.113.7",
  clientIpCountry: "LT",
  clientLocation: "Vilnius, Lithuania",
  gdcMatch: null,
  manualAddress: null,
  manualAddressMatch: false,
  status: {
    overall: "APPROVED",
    suspicionReasons: [],
    fraudTags: [],
    mismatchTags: [],
    autoDocument: "DOC_VALIDATED",
    autoFace: "FACE_MATCH",
    manualDocument: null,
    manualFace: null,
    additionalSteps: null,
  },
  data: {
    docFirstName: "SAMPLE",
    docLastName: "PERSON",
    fullName: "SAMPLE PERSON",
    docNumber: "XX0000000",
    docPersonalCode: "00000000000",
    docExpiry: "2031-05-14",
    docDob: "1990-01-01",
    docDateOfIssue: "2021-05-14",
    docType: "PASSPORT",
    docSex: "UNDEFINED",
    docNationality: "LT",
    docIssuingCountry: "LT",
    selectedCountry: "LT",
    manuallyDataChanged: false,
    ageEstimate: "OVER_25",
    clientIpProxyRiskLevel: "LOW",
    duplicateFaces: null,
    duplicateDocFaces: null,
    additionalData: null,
  },
  fileUrls: {
    FRONT: "https://files.example/front.png?Expires=1764151200",
    BACK: null,
    FACE: "https://files.example/face.png?Expires=1764151200",
  },
} as const;
