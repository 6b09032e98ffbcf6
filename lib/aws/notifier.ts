import { PublishCommand, type MessageAttributeValue, type SNSClient } from "@aws-sdk/client-sns";
import type { ResultAsync } from "neverthrow";
import type { AlertMessage, VerificationEvent } from "../messages";
import { fromAwsPromise, type AwsError } from "./aws-error";
import { alertSubject } from "./sns-subject";

export interface Notifier {
  /** Publishes on the events topic; attribute `type` carries the event type for filter policies. */
  publishEvent(event: VerificationEvent): ResultAsync<void, AwsError>;
  /** Publishes on the alerts topic with attributes `type` and `state`, and a one-line Subject. */
  publishAlert(alert: AlertMessage): ResultAsync<void, AwsError>;
}

export interface NotifierOptions {
  readonly client: SNSClient;
  readonly eventsTopicArn: string;
  readonly alertsTopicArn: string;
}

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: "String",
  StringValue: value,
});

export function createNotifier(options: NotifierOptions): Notifier {
  const { client } = options;
  const publish = (input: ConstructorParameters<typeof PublishCommand>[0]): ResultAsync<void, AwsError> =>
    fromAwsPromise("sns", "Publish", () => client.send(new PublishCommand(input))).map(() => undefined);

  return {
    publishEvent(event) {
      return publish({
        TopicArn: options.eventsTopicArn,
        Message: JSON.stringify(event),
        MessageAttributes: { type: stringAttribute(event.type) },
      });
    },
    publishAlert(alert) {
      return publish({
        TopicArn: options.alertsTopicArn,
        Message: JSON.stringify(alert),
        Subject: alertSubject(alert),
        MessageAttributes: { type: stringAttribute(alert.type), state: stringAttribute(alert.state) },
      });
    },
  };
}
