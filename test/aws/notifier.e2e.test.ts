import { afterEach, describe, expect, it } from "vitest";
import { createNotifier } from "../../lib/aws/notifier";
import type { AlertMessage, VerificationCompletedEvent } from "../../lib/messages";
import { useLocalAws } from "./support/local-aws";

/* The real SNS SDK client through the local gateway, which applies SNS's own Subject and attribute rules. */

const local = useLocalAws();

afterEach(() => {
  local.aws.faults.clear();
});

const completed: VerificationCompletedEvent = {
  type: "verification.completed",
  scanRef: "scan-1",
  clientId: "client-1",
  externalRef: null,
  final: true,
  overall: "APPROVED",
  fraudTags: [],
  mismatchTags: [],
  autoDocument: "DOC_VALIDATED",
  autoFace: "FACE_MATCH",
  manualDocument: null,
  manualFace: null,
  data: { docFirstName: "Jane" },
  source: "webhook",
  receivedAt: "2026-12-03T10:00:00.000Z",
  sequence: 1,
};

const alert: AlertMessage = {
  type: "markid.client-error",
  state: "firing",
  severity: "warning",
  // Line breaks, non-ASCII and length: SNS would refuse this as a Subject unless sanitised.
  summary: `Réponse inattendue de /api/v2/token:\nchamp « scanRef » manquant ${"détail ".repeat(20)}`,
  stage: "e2e",
  firstSeen: "2030-01-01T00:00:00.000Z",
  count: 1,
};

async function setup(maxAttempts = 3) {
  const [eventsTopicArn, alertsTopicArn] = await Promise.all([local.createTopic(), local.createTopic()]);
  const notifier = createNotifier({ client: local.clients(maxAttempts).sns, eventsTopicArn, alertsTopicArn });
  return { notifier, eventsTopicArn, alertsTopicArn };
}

describe("notifier through the local SNS", () => {
  it("publishes an event with its type attribute", async () => {
    const { notifier, eventsTopicArn } = await setup();
    expect((await notifier.publishEvent(completed)).isOk()).toBe(true);
    const [message] = local.aws.sns.published(eventsTopicArn);
    expect(JSON.parse(message!.message)).toEqual(completed);
    expect(message!.messageAttributes["type"]).toMatchObject({
      dataType: "String",
      stringValue: "verification.completed",
    });
  });

  it("publishes an alert whose summary SNS would refuse as a Subject", async () => {
    const { notifier, alertsTopicArn } = await setup();
    expect((await notifier.publishAlert(alert)).isOk()).toBe(true);
    const [message] = local.aws.sns.published(alertsTopicArn);
    expect(message!.subject).toMatch(
      /^\[e2e\] FIRING markid\.client-error: Reponse inattendue de \/api\/v2\/token: champ/,
    );
    expect(message!.subject!.length).toBeLessThanOrEqual(100);
    expect(message!.messageAttributes["state"]).toMatchObject({ stringValue: "firing" });
    expect(JSON.parse(message!.message)).toEqual(alert);
  });

  it("returns a missing topic as an error Result", async () => {
    const { notifier } = await setup();
    const missing = createNotifier({
      client: local.clients().sns,
      eventsTopicArn: "arn:aws:sns:eu-west-1:000000000000:nope",
      alertsTopicArn: "arn:aws:sns:eu-west-1:000000000000:nope",
    });
    expect((await missing.publishEvent(completed))._unsafeUnwrapErr()).toMatchObject({
      kind: "aws",
      service: "sns",
      operation: "Publish",
      code: "NotFoundException",
      retryable: false,
    });
    expect((await notifier.publishEvent(completed)).isOk()).toBe(true);
  });

  it("returns SNS failing past the SDK's retries as a transient error Result", async () => {
    const { notifier, alertsTopicArn } = await setup(2);
    local.aws.faults.inject({ service: "sns", operation: "Publish", error: "internal" });
    const before = local.aws.calls("sns", "Publish");
    expect((await notifier.publishAlert(alert))._unsafeUnwrapErr()).toMatchObject({
      service: "sns",
      code: "InternalErrorException",
      retryable: true,
    });
    expect(local.aws.calls("sns", "Publish") - before).toBe(2);
    expect(local.aws.sns.published(alertsTopicArn)).toHaveLength(0);
  });

  it("returns denied publishing as a permanent error Result", async () => {
    const { notifier } = await setup();
    local.aws.faults.inject({ service: "sns", operation: "Publish", error: "access-denied" });
    expect((await notifier.publishEvent(completed))._unsafeUnwrapErr()).toMatchObject({
      code: "AuthorizationErrorException",
      retryable: false,
    });
  });
});
