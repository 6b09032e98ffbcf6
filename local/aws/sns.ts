import { randomUUID } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { senderError, type AwsError } from "./aws-errors";
import { localArn, LOCAL_ACCOUNT_ID } from "./ids";
import { indexedParams, mapParam, xmlEntries, xmlMembers, xmlText } from "./query-protocol";
import { parseFilterPolicy, matchesFilterPolicy, type FilterPolicy } from "./sns-filter-policy";
import { validateMessageAttributes, type MessageAttribute } from "./message-attributes";

/*
 * The subset of SNS the project uses (CreateTopic, Publish) plus what tests need to look at the
 * traffic (ListTopics, GetTopicAttributes) and to fan a topic out to a local queue (Subscribe
 * with protocol "sqs"). Publish applies real SNS's limits — Subject length and characters,
 * message attribute rules, message size — so code that passes here does not fail in AWS.
 */

export const SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

/** SNS's limit for message plus attributes. */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_SUBJECT_CHARS = 100;

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly messageStructure?: string;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  /** ISO 8601, as in the notification SNS delivers. */
  readonly timestamp: string;
}

export type PublishListener = (message: PublishedMessage) => unknown;

export interface SnsInspector {
  /** Every message published so far, oldest first; only those to `topicArn` when given. */
  published(topicArn?: string): readonly PublishedMessage[];
  /** Calls `listener` with each message as it is published; returns the function that stops it. */
  onPublish(listener: PublishListener): () => void;
  /** Forgets the published messages (topics and subscriptions stay). */
  clear(): void;
  topicArns(): readonly string[];
}

/** Where SNS hands notifications for "sqs" subscriptions: the local SQS. */
export interface SqsDelivery {
  /** False when no queue has this ARN (SNS then drops the delivery, as it does in AWS). */
  deliver(
    queueArn: string,
    body: string,
    messageAttributes: Readonly<Record<string, MessageAttribute>>,
  ): boolean;
}

interface Subscription {
  readonly arn: string;
  readonly endpoint: string;
  readonly raw: boolean;
  readonly filterPolicy?: FilterPolicy;
}

interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly attributes: Record<string, string>;
  readonly subscriptions: Subscription[];
}

const invalidParameter = (what: string, reason?: string) =>
  senderError(
    "InvalidParameter",
    `Invalid parameter: ${what}${reason === undefined ? "" : ` Reason: ${reason}`}`,
  );
const topicNotFound = () => senderError("NotFound", "Topic does not exist", 404);

export class SnsService {
  readonly #topics = new Map<string, Topic>();
  readonly #published: PublishedMessage[] = [];
  readonly #listeners = new Set<PublishListener>();
  readonly #region: string;
  readonly #sqs: SqsDelivery;

  constructor(region: string, sqs: SqsDelivery) {
    this.#region = region;
    this.#sqs = sqs;
  }

  /** The XML inside `<ActionResult>`, or undefined for actions whose reply has no result. */
  handle(action: string, params: URLSearchParams): Promise<Result<string | undefined, AwsError>> {
    return Promise.resolve(this.#dispatch(action, params));
  }

  #dispatch(action: string, params: URLSearchParams): Result<string | undefined, AwsError> {
    switch (action) {
      case "CreateTopic":
        return this.#createTopic(params);
      case "Publish":
        return this.#publish(params);
      case "Subscribe":
        return this.#subscribe(params);
      case "ListTopics":
        return ok(
          xmlMembers(
            "Topics",
            [...this.#topics.keys()].map((arn) => xmlText("TopicArn", arn)),
          ),
        );
      case "GetTopicAttributes":
        return this.#getTopicAttributes(params);
      case "DeleteTopic":
        return this.#deleteTopic(params);
      default:
        return err(senderError("InvalidAction", `The action ${action} is not valid for this endpoint.`));
    }
  }

  get inspector(): SnsInspector {
    return {
      published: (topicArn) =>
        topicArn === undefined
          ? [...this.#published]
          : this.#published.filter((m) => m.topicArn === topicArn),
      onPublish: (listener) => {
        this.#listeners.add(listener);
        return () => {
          this.#listeners.delete(listener);
        };
      },
      clear: () => {
        this.#published.length = 0;
      },
      topicArns: () => [...this.#topics.keys()],
    };
  }

  #createTopic(params: URLSearchParams): Result<string, AwsError> {
    const name = params.get("Name") ?? "";
    const attributes = mapParam(params, "Attributes");
    const fifo = attributes.FifoTopic === "true";
    const namePattern = fifo ? /^[A-Za-z0-9_-]{1,251}\.fifo$/ : /^[A-Za-z0-9_-]{1,256}$/;
    if (!namePattern.test(name)) return err(invalidParameter("Topic Name"));
    const arn = localArn("sns", this.#region, name);
    // CreateTopic is idempotent: the same name gives the same topic.
    if (!this.#topics.has(arn)) this.#topics.set(arn, { arn, name, fifo, attributes, subscriptions: [] });
    return ok(xmlText("TopicArn", arn));
  }

  #publish(params: URLSearchParams): Result<string, AwsError> {
    if (params.has("PhoneNumber"))
      return err(invalidParameter("PhoneNumber", "SMS is not served by the local SNS"));
    const topicArn = params.get("TopicArn") ?? params.get("TargetArn");
    if (topicArn === null || topicArn === "") {
      return err(invalidParameter("TopicArn or TargetArn", "no value for required parameter"));
    }
    const message = params.get("Message");
    if (message === null || message === "") return err(invalidParameter("Empty message"));
    const subject = params.get("Subject");
    if (subject !== null && !isValidSubject(subject)) return err(invalidParameter("Subject"));
    const structure = params.get("MessageStructure");
    if (structure !== null && structure !== "json") return err(invalidParameter("MessageStructure"));
    if (structure === "json" && !hasDefaultEntry(message)) {
      return err(invalidParameter("Message Structure - No default entry in JSON message body"));
    }
    return validateMessageAttributes(
      indexedParams(params, "MessageAttributes.entry").map((entry) => ({
        name: entry.Name,
        dataType: entry["Value.DataType"],
        stringValue: entry["Value.StringValue"],
        binaryValue: entry["Value.BinaryValue"],
      })),
      { allowStringArray: true, toError: (text) => senderError("ParameterValueInvalid", text) },
    ).andThen((messageAttributes) => {
      if (messageBytes(message, messageAttributes) > MAX_MESSAGE_BYTES) {
        return err(invalidParameter("Message too long"));
      }
      const topic = this.#topics.get(topicArn);
      if (topic === undefined) return err(topicNotFound());
      const groupId = params.get("MessageGroupId");
      if (topic.fifo && (groupId === null || groupId === "")) {
        return err(invalidParameter("The MessageGroupId parameter is required for FIFO topics"));
      }
      const dedupId = params.get("MessageDeduplicationId");
      const published: PublishedMessage = {
        messageId: randomUUID(),
        topicArn,
        ...(subject === null ? {} : { subject }),
        message,
        messageAttributes,
        ...(structure === null ? {} : { messageStructure: structure }),
        ...(groupId === null ? {} : { messageGroupId: groupId }),
        ...(dedupId === null ? {} : { messageDeduplicationId: dedupId }),
        timestamp: new Date().toISOString(),
      };
      this.#published.push(published);
      this.#fanOut(topic, published);
      this.#notify(published);
      return ok(xmlText("MessageId", published.messageId));
    });
  }

  #subscribe(params: URLSearchParams): Result<string, AwsError> {
    const topic = this.#topics.get(params.get("TopicArn") ?? "");
    if (topic === undefined) return err(topicNotFound());
    if (params.get("Protocol") !== "sqs") {
      return err(invalidParameter("Protocol", "only the sqs protocol is served by the local SNS"));
    }
    const endpoint = params.get("Endpoint") ?? "";
    if (!endpoint.startsWith("arn:aws:sqs:")) return err(invalidParameter("SQS endpoint ARN"));
    const attributes = mapParam(params, "Attributes");
    let filterPolicy: FilterPolicy | undefined;
    if (attributes.FilterPolicy !== undefined) {
      if ((attributes.FilterPolicyScope ?? "MessageAttributes") !== "MessageAttributes") {
        return err(
          invalidParameter("FilterPolicyScope", "only MessageAttributes is served by the local SNS"),
        );
      }
      const parsed = parseFilterPolicy(attributes.FilterPolicy);
      if (parsed === undefined) {
        return err(
          invalidParameter("FilterPolicy", "the local SNS accepts only exact string and number matches"),
        );
      }
      filterPolicy = parsed;
    }
    const existing = topic.subscriptions.find((s) => s.endpoint === endpoint);
    if (existing !== undefined) return ok(xmlText("SubscriptionArn", existing.arn));
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      endpoint,
      raw: attributes.RawMessageDelivery === "true",
      ...(filterPolicy === undefined ? {} : { filterPolicy }),
    };
    topic.subscriptions.push(subscription);
    return ok(xmlText("SubscriptionArn", subscription.arn));
  }

  #getTopicAttributes(params: URLSearchParams): Result<string, AwsError> {
    const topic = this.#topics.get(params.get("TopicArn") ?? "");
    if (topic === undefined) return err(topicNotFound());
    return ok(
      xmlEntries("Attributes", {
        DisplayName: "",
        ...topic.attributes,
        TopicArn: topic.arn,
        Owner: LOCAL_ACCOUNT_ID,
        SubscriptionsConfirmed: String(topic.subscriptions.length),
        SubscriptionsPending: "0",
        SubscriptionsDeleted: "0",
      }),
    );
  }

  #deleteTopic(params: URLSearchParams): Result<undefined, AwsError> {
    // Deleting a topic that does not exist succeeds in SNS.
    this.#topics.delete(params.get("TopicArn") ?? "");
    return ok(undefined);
  }

  #fanOut(topic: Topic, message: PublishedMessage): void {
    for (const subscription of topic.subscriptions) {
      if (
        subscription.filterPolicy !== undefined &&
        !matchesFilterPolicy(subscription.filterPolicy, message.messageAttributes)
      ) {
        continue;
      }
      const text =
        message.messageStructure === "json" ? protocolMessage(message.message, "sqs") : message.message;
      if (subscription.raw) {
        this.#sqs.deliver(subscription.endpoint, text, message.messageAttributes);
      } else {
        this.#sqs.deliver(
          subscription.endpoint,
          JSON.stringify(this.#envelope(message, text, subscription)),
          {},
        );
      }
    }
  }

  /** The JSON document SNS delivers to a queue when raw delivery is off. */
  #envelope(message: PublishedMessage, text: string, subscription: Subscription): Record<string, unknown> {
    const attributes = Object.entries(message.messageAttributes);
    return {
      Type: "Notification",
      MessageId: message.messageId,
      TopicArn: message.topicArn,
      ...(message.subject === undefined ? {} : { Subject: message.subject }),
      Message: text,
      Timestamp: message.timestamp,
      SignatureVersion: "1",
      Signature: "LOCAL",
      SigningCertURL: `https://sns.${this.#region}.amazonaws.com/SimpleNotificationService-local.pem`,
      UnsubscribeURL: `https://sns.${this.#region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
      ...(attributes.length === 0
        ? {}
        : {
            MessageAttributes: Object.fromEntries(
              attributes.map(([name, a]) => [
                name,
                { Type: a.dataType, Value: a.stringValue ?? a.binaryValue ?? "" },
              ]),
            ),
          }),
    };
  }

  #notify(message: PublishedMessage): void {
    for (const listener of this.#listeners) {
      // A failing listener is the observer's problem, not the publisher's: SNS accepted the message.
      try {
        const outcome = listener(message);
        if (outcome instanceof Promise) outcome.catch(() => undefined);
      } catch {
        // ignored, as above
      }
    }
  }
}

/** SNS: no line breaks or control characters, starts with a letter, digit or punctuation, at most 100 characters. */
function isValidSubject(subject: string): boolean {
  return (
    subject.length > 0 &&
    [...subject].length <= MAX_SUBJECT_CHARS &&
    !/\p{Cc}/u.test(subject) &&
    !/^\s/.test(subject)
  );
}

function hasDefaultEntry(message: string): boolean {
  try {
    const parsed: unknown = JSON.parse(message);
    return (
      typeof parsed === "object" &&
      parsed !== null &&
      typeof (parsed as Record<string, unknown>).default === "string"
    );
  } catch {
    return false;
  }
}

function protocolMessage(message: string, protocol: string): string {
  const parsed = JSON.parse(message) as Record<string, string>;
  return parsed[protocol] ?? parsed.default ?? message;
}

function messageBytes(message: string, attributes: Readonly<Record<string, MessageAttribute>>): number {
  let total = Buffer.byteLength(message);
  for (const [name, a] of Object.entries(attributes)) {
    total += Buffer.byteLength(name) + Buffer.byteLength(a.dataType);
    total +=
      a.stringValue !== undefined
        ? Buffer.byteLength(a.stringValue)
        : Buffer.from(a.binaryValue ?? "", "base64").length;
  }
  return total;
}
