import { PublishCommand, SNSClient, SNSServiceException } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createNotifier } from "../../lib/aws/notifier";
import type { AlertMessage, SessionCreatedEvent, VerificationFailedEvent } from "../../lib/messages";

const sns = mockClient(SNSClient);
const EVENTS = "arn:aws:sns:eu-west-1:000000000000:events";
const ALERTS = "arn:aws:sns:eu-west-1:000000000000:alerts";
const notifier = createNotifier({
  client: new SNSClient({ region: "eu-west-1" }),
  eventsTopicArn: EVENTS,
  alertsTopicArn: ALERTS,
});

const sessionCreated: SessionCreatedEvent = {
  type: "verification.session-created",
  requestId: "req-1",
  clientId: "client-1",
  scanRef: "scan-1",
  authToken: "token-1",
  redirectUrl: "https://ivs.markid.eu/api/v2/redirect?authToken=token-1",
  expiresAt: "2030-01-01T00:00:00.000Z",
};

const alert: AlertMessage = {
  type: "markid.token-limit-reached",
  state: "firing",
  severity: "critical",
  summary: "Partner reached token limit.\nTop up the account.",
  stage: "prod",
  firstSeen: "2030-01-01T00:00:00.000Z",
  count: 1,
};

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
});

describe("publishEvent", () => {
  it("publishes the event as JSON on the events topic with attribute type", async () => {
    expect((await notifier.publishEvent(sessionCreated)).isOk()).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(EVENTS);
    expect(JSON.parse(input.Message!)).toEqual(sessionCreated);
    expect(input.MessageAttributes).toEqual({
      type: { DataType: "String", StringValue: "verification.session-created" },
    });
    expect(input.Subject).toBeUndefined();
  });

  it("sets type from each event", async () => {
    const failed: VerificationFailedEvent = {
      type: "verification.failed",
      messageId: "m",
      reason: "bad value",
      fields: ["firstName"],
    };
    await notifier.publishEvent(failed);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes?.["type"]?.StringValue).toBe(
      "verification.failed",
    );
  });

  it("returns an SNS failure as an error value", async () => {
    sns.on(PublishCommand).rejects(
      new SNSServiceException({
        name: "ThrottlingException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Rate exceeded",
      }),
    );
    expect((await notifier.publishEvent(sessionCreated))._unsafeUnwrapErr()).toEqual({
      kind: "aws",
      service: "sns",
      operation: "Publish",
      code: "ThrottlingException",
      retryable: true,
      message: "Rate exceeded",
    });
  });
});

describe("publishAlert", () => {
  it("publishes on the alerts topic with attributes type and state and a one-line Subject", async () => {
    expect((await notifier.publishAlert(alert)).isOk()).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(ALERTS);
    expect(JSON.parse(input.Message!)).toEqual(alert);
    expect(input.MessageAttributes).toEqual({
      type: { DataType: "String", StringValue: "markid.token-limit-reached" },
      state: { DataType: "String", StringValue: "firing" },
    });
    expect(input.Subject).toBe(
      "[prod] FIRING markid.token-limit-reached: Partner reached token limit. Top up the account.",
    );
  });

  it("returns a missing topic as an error value", async () => {
    sns.on(PublishCommand).rejects(
      new SNSServiceException({
        name: "NotFoundException",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
        message: "Topic does not exist",
      }),
    );
    expect((await notifier.publishAlert(alert))._unsafeUnwrapErr()).toMatchObject({
      code: "NotFoundException",
      retryable: false,
    });
  });
});
