import { randomUUID } from "node:crypto";
import { signBody } from "../../local/simulator/index";

/**
 * A result webhook as Mark ID sends it (the shape of events/http-webhook.json's body, about
 * 1.2 KB), for a fresh scanRef each time, signed and posted the way the simulator and the chaos
 * run's resends do (local/chaos/run.ts).
 */
export interface WebhookTarget {
  readonly webhookUrl: string;
  readonly signingKey: string;
  readonly signatureHeader: string;
}

export interface Delivery {
  readonly scanRef: string;
  readonly body: Buffer;
}

export function resultDelivery(final = true): Delivery {
  const scanRef = randomUUID();
  const body = {
    final,
    platform: "MOBILE",
    scanRef,
    clientId: `bench-${scanRef.slice(0, 8)}`,
    externalRef: "bench-order",
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
  };
  return { scanRef, body: Buffer.from(JSON.stringify(body)) };
}

export interface Reply {
  readonly status: number;
  /** From just before the request was sent until its reply body was read, ms. */
  readonly latencyMs: number;
  /** Date.now() when the reply had been read: comparable with the stack process's clock. */
  readonly repliedAt: number;
}

/** Signs and posts one delivery; resolves with its status and timing (never rejects on a status). */
export async function postDelivery(target: WebhookTarget, delivery: Delivery): Promise<Reply> {
  const headers = {
    "content-type": "application/json",
    [target.signatureHeader]: signBody(delivery.body, target.signingKey),
  };
  const started = performance.now();
  const response = await fetch(target.webhookUrl, { method: "POST", headers, body: delivery.body });
  await response.arrayBuffer();
  return { status: response.status, latencyMs: performance.now() - started, repliedAt: Date.now() };
}
