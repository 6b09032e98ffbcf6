import { err, ok, type Result } from "neverthrow";
import { z } from "zod";
import { queueDoesNotExist, senderError, type AwsError } from "./aws-errors";
import { LOCAL_ACCOUNT_ID, localArn } from "./ids";
import type { JsonService } from "./json-service";
import { validateMessageAttributes, type MessageAttribute } from "./message-attributes";
import type { SqsDelivery } from "./sns";
import {
  DEFAULT_QUEUE_ATTRIBUTES,
  parseRedrivePolicy,
  READ_ONLY_ATTRIBUTES,
  validateQueueAttributes,
} from "./sqs-queue-attributes";
import { md5OfMessageAttributes } from "./sqs-md5";
import { MessageMoveTasks } from "./sqs-move-tasks";
import { decodeReceiptHandle, LocalQueue, stateOf, type MessageState, type StoredMessage } from "./sqs-queue";
import { parseInput } from "./validation";

/*
 * SQS over its JSON protocol (what @aws-sdk/client-sqs speaks since 2023): standard queues
 * with visibility timeouts, delays, long polling, receipt handles, batches and redrive to a
 * dead-letter queue once a message's receive count passes the queue's maxReceiveCount.
 */

export interface SqsMessageSnapshot {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly state: MessageState;
  readonly receiveCount: number;
  readonly sentTimestamp: number;
  readonly deadLetterQueueSourceArn?: string;
}

interface QueueRef {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/**
 * What tests and the local stack can read or do without the SDK. `queue` is a queue's name,
 * URL or ARN; an unknown queue throws (a test naming a queue that was never created is a bug).
 */
export interface SqsInspector {
  queues(): readonly QueueRef[];
  messages(queue: string): readonly SqsMessageSnapshot[];
  counts(queue: string): Readonly<Record<MessageState, number>>;
  /** Enqueues a message as SendMessage would; returns its MessageId. */
  send(queue: string, body: string, messageAttributes?: Readonly<Record<string, MessageAttribute>>): string;
  purge(queue: string): void;
}

const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 262_144;
/** SQS accepts only these characters in a body: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF. */
const INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const MESSAGE_SYSTEM_ATTRIBUTES = [
  "SenderId",
  "SentTimestamp",
  "ApproximateReceiveCount",
  "ApproximateFirstReceiveTimestamp",
  "DeadLetterQueueSourceArn",
  "AWSTraceHeader",
] as const;

const invalidParameterValue = (message: string) =>
  senderError("InvalidParameterValue", message, 400, "InvalidParameterValue");
const receiptHandleInvalid = (message: string) =>
  senderError("ReceiptHandleIsInvalid", message, 404, "ReceiptHandleIsInvalid");

const attributeValue = z.object({
  DataType: z.string().optional(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});
const messageEntry = {
  MessageBody: z.string(),
  DelaySeconds: z.number().int().optional(),
  MessageAttributes: z.record(z.string(), attributeValue).optional(),
  MessageSystemAttributes: z.record(z.string(), attributeValue).optional(),
};
const batchId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, "must be 1-80 of A-Z a-z 0-9 _ -");
const queueUrlInput = z.object({ QueueUrl: z.string().min(1) });
const inputs = {
  CreateQueue: z.object({ QueueName: z.string(), Attributes: z.record(z.string(), z.string()).optional() }),
  GetQueueUrl: z.object({ QueueName: z.string() }),
  ListQueues: z.object({ QueueNamePrefix: z.string().optional() }),
  GetQueueAttributes: queueUrlInput.extend({ AttributeNames: z.array(z.string()).optional() }),
  SetQueueAttributes: queueUrlInput.extend({ Attributes: z.record(z.string(), z.string()) }),
  SendMessage: queueUrlInput.extend(messageEntry),
  SendMessageBatch: queueUrlInput.extend({ Entries: z.array(z.object({ Id: batchId, ...messageEntry })) }),
  ReceiveMessage: queueUrlInput.extend({
    AttributeNames: z.array(z.string()).optional(),
    MessageSystemAttributeNames: z.array(z.string()).optional(),
    MessageAttributeNames: z.array(z.string()).optional(),
    MaxNumberOfMessages: z.number().int().optional(),
    VisibilityTimeout: z.number().int().optional(),
    WaitTimeSeconds: z.number().int().optional(),
  }),
  DeleteMessage: queueUrlInput.extend({ ReceiptHandle: z.string() }),
  DeleteMessageBatch: queueUrlInput.extend({
    Entries: z.array(z.object({ Id: batchId, ReceiptHandle: z.string() })),
  }),
  ChangeMessageVisibility: queueUrlInput.extend({
    ReceiptHandle: z.string(),
    VisibilityTimeout: z.number().int(),
  }),
  StartMessageMoveTask: z.object({
    SourceArn: z.string(),
    DestinationArn: z.string().optional(),
    MaxNumberOfMessagesPerSecond: z.number().int().optional(),
  }),
  ListMessageMoveTasks: z.object({
    SourceArn: z.string(),
    MaxResults: z.number().int().min(1).max(10).optional(),
  }),
  ChangeMessageVisibilityBatch: queueUrlInput.extend({
    Entries: z.array(
      z.object({ Id: batchId, ReceiptHandle: z.string(), VisibilityTimeout: z.number().int() }),
    ),
  }),
};

type Input<K extends keyof typeof inputs> = z.infer<(typeof inputs)[K]>;
type MessageEntry = Input<"SendMessage">;

/** A batch entry's failure, reported in the reply's `Failed` list rather than failing the call. */
interface BatchFailure {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}

export class SqsService implements JsonService, SqsDelivery {
  readonly #queues = new Map<string, LocalQueue>();
  readonly #region: string;
  readonly #baseUrl: () => string;
  /** Aborted on close, so long-polling receivers return at once. */
  readonly #closing = new AbortController();
  readonly #moveTasks = new MessageMoveTasks((arn) => this.#find(arn));

  /** `baseUrl` is read when a queue is created: the gateway knows its port only once listening. */
  constructor(region: string, baseUrl: () => string) {
    this.#region = region;
    this.#baseUrl = baseUrl;
  }

  close(): void {
    this.#closing.abort();
  }

  handle(operation: string, input: unknown, signal: AbortSignal): Promise<Result<unknown, AwsError>> {
    const parse = <K extends keyof typeof inputs>(name: K): Result<Input<K>, AwsError> =>
      parseInput<Input<K>>(inputs[name] as unknown as z.ZodType<Input<K>>, input, invalidParameterValue);
    switch (operation) {
      case "CreateQueue":
        return done(parse("CreateQueue").andThen((i) => this.#createQueue(i)));
      case "GetQueueUrl":
        return done(
          parse("GetQueueUrl").andThen((i) => this.#byName(i.QueueName).map((q) => ({ QueueUrl: q.url }))),
        );
      case "ListQueues":
        return done(parse("ListQueues").map((i) => this.#listQueues(i.QueueNamePrefix)));
      case "DeleteQueue":
        return done(
          parseInput(queueUrlInput, input, invalidParameterValue).andThen((i) =>
            this.#deleteQueue(i.QueueUrl),
          ),
        );
      case "PurgeQueue":
        return done(
          parseInput(queueUrlInput, input, invalidParameterValue).andThen((i) => this.#purge(i.QueueUrl)),
        );
      case "GetQueueAttributes":
        return done(parse("GetQueueAttributes").andThen((i) => this.#getAttributes(i)));
      case "SetQueueAttributes":
        return done(parse("SetQueueAttributes").andThen((i) => this.#setAttributes(i)));
      case "SendMessage":
        return done(
          parse("SendMessage").andThen((i) => this.#queue(i.QueueUrl).andThen((q) => this.#send(q, i))),
        );
      case "SendMessageBatch":
        return done(parse("SendMessageBatch").andThen((i) => this.#sendBatch(i)));
      case "ReceiveMessage":
        return parse("ReceiveMessage")
          .andThen((i) => this.#queue(i.QueueUrl).map((queue) => ({ queue, input: i })))
          .match(
            ({ queue, input: i }) => this.#receive(queue, i, signal),
            (error) => done(err(error)),
          );
      case "DeleteMessage":
        return done(
          parse("DeleteMessage").andThen((i) =>
            this.#queue(i.QueueUrl).andThen((q) => this.#delete(q, i.ReceiptHandle)),
          ),
        );
      case "DeleteMessageBatch":
        return done(parse("DeleteMessageBatch").andThen((i) => this.#deleteBatch(i)));
      case "ChangeMessageVisibility":
        return done(
          parse("ChangeMessageVisibility").andThen((i) =>
            this.#queue(i.QueueUrl).andThen((q) =>
              this.#changeVisibility(q, i.ReceiptHandle, i.VisibilityTimeout),
            ),
          ),
        );
      case "ChangeMessageVisibilityBatch":
        return done(parse("ChangeMessageVisibilityBatch").andThen((i) => this.#changeVisibilityBatch(i)));
      case "StartMessageMoveTask":
        return done(parse("StartMessageMoveTask").andThen((i) => this.#moveTasks.start(i)));
      case "ListMessageMoveTasks":
        return done(
          parse("ListMessageMoveTasks").andThen((i) => this.#moveTasks.list(i.SourceArn, i.MaxResults)),
        );
      default:
        return done(
          err(senderError("UnknownOperationException", `${operation} is not served by the local SQS`)),
        );
    }
  }

  /** SNS's "sqs" subscriptions deliver here. */
  deliver(
    queueArn: string,
    body: string,
    messageAttributes: Readonly<Record<string, MessageAttribute>>,
  ): boolean {
    const queue = this.#find(queueArn);
    if (queue === undefined) return false;
    queue.enqueue({ body, messageAttributes });
    return true;
  }

  get inspector(): SqsInspector {
    const existing = (ref: string): LocalQueue => {
      const queue = this.#find(ref);
      if (queue === undefined) throw new Error(`no local queue ${ref}`);
      return queue;
    };
    return {
      queues: () => [...this.#queues.values()].map(({ name, url, arn }) => ({ name, url, arn })),
      messages: (ref) => {
        const now = Date.now();
        return [...existing(ref).messages.values()].map((m) => ({
          messageId: m.messageId,
          body: m.body,
          messageAttributes: m.messageAttributes,
          state: stateOf(m, now),
          receiveCount: m.receiveCount,
          sentTimestamp: m.sentTimestamp,
          ...(m.deadLetterQueueSourceArn === undefined
            ? {}
            : { deadLetterQueueSourceArn: m.deadLetterQueueSourceArn }),
        }));
      },
      counts: (ref) => existing(ref).counts(Date.now()),
      send: (ref, body, messageAttributes = {}) =>
        existing(ref).enqueue({ body, messageAttributes }).messageId,
      purge: (ref) => {
        existing(ref).messages.clear();
      },
    };
  }

  #createQueue(input: Input<"CreateQueue">): Result<unknown, AwsError> {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(input.QueueName)) {
      return err(
        invalidParameterValue(
          "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ),
      );
    }
    return validateQueueAttributes(input.Attributes ?? {})
      .andThen((attributes) => this.#checkRedriveTarget(attributes).map(() => attributes))
      .andThen((attributes) => {
        const existing = this.#queues.get(input.QueueName);
        if (existing !== undefined) {
          // Idempotent for the same attributes; a different value is a conflict, as in SQS.
          const differing = Object.entries(attributes).find(
            ([name, value]) => (existing.attributes[name] ?? DEFAULT_QUEUE_ATTRIBUTES[name]) !== value,
          );
          if (differing !== undefined) {
            return err(
              senderError(
                "QueueNameExists",
                `A queue already exists with the same name and a different value for attribute ${differing[0]}`,
                400,
                "QueueAlreadyExists",
              ),
            );
          }
          return ok({ QueueUrl: existing.url });
        }
        const queue = new LocalQueue(
          input.QueueName,
          `${this.#baseUrl()}/${LOCAL_ACCOUNT_ID}/${input.QueueName}`,
          localArn("sqs", this.#region, input.QueueName),
          { ...DEFAULT_QUEUE_ATTRIBUTES, ...attributes },
        );
        this.#queues.set(queue.name, queue);
        return ok({ QueueUrl: queue.url });
      });
  }

  #listQueues(prefix: string | undefined): unknown {
    const urls = [...this.#queues.values()]
      .filter((q) => prefix === undefined || q.name.startsWith(prefix))
      .map((q) => q.url);
    return urls.length === 0 ? {} : { QueueUrls: urls };
  }

  #deleteQueue(url: string): Result<unknown, AwsError> {
    return this.#queue(url).map((queue) => {
      this.#queues.delete(queue.name);
      queue.messages.clear();
      queue.changed();
      return {};
    });
  }

  #purge(url: string): Result<unknown, AwsError> {
    return this.#queue(url).map((queue) => {
      queue.messages.clear();
      return {};
    });
  }

  #getAttributes(input: Input<"GetQueueAttributes">): Result<unknown, AwsError> {
    return this.#queue(input.QueueUrl).andThen((queue) => {
      const now = Date.now();
      queue.expire(now);
      const counts = queue.counts(now);
      const all: Record<string, string> = {
        ...queue.attributes,
        QueueArn: queue.arn,
        ApproximateNumberOfMessages: String(counts.visible),
        ApproximateNumberOfMessagesNotVisible: String(counts["in-flight"]),
        ApproximateNumberOfMessagesDelayed: String(counts.delayed),
        CreatedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
        LastModifiedTimestamp: String(Math.floor(queue.lastModifiedTimestamp / 1000)),
      };
      const names = input.AttributeNames ?? [];
      if (names.includes("All")) return ok({ Attributes: all });
      const selected: Record<string, string> = {};
      for (const name of names) {
        const value = all[name];
        if (value !== undefined) selected[name] = value;
        else if (!isKnownAttribute(name)) {
          return err(
            senderError("InvalidAttributeName", `Unknown Attribute ${name}.`, 400, "InvalidAttributeName"),
          );
        }
      }
      return ok(Object.keys(selected).length === 0 ? {} : { Attributes: selected });
    });
  }

  #setAttributes(input: Input<"SetQueueAttributes">): Result<unknown, AwsError> {
    return this.#queue(input.QueueUrl).andThen((queue) =>
      validateQueueAttributes(input.Attributes)
        .andThen((attributes) => this.#checkRedriveTarget(attributes).map(() => attributes))
        .map((attributes) => {
          queue.setAttributes(attributes);
          return {};
        }),
    );
  }

  /** SQS refuses a redrive policy whose dead-letter queue does not exist. */
  #checkRedriveTarget(attributes: Readonly<Record<string, string>>): Result<void, AwsError> {
    if (attributes.RedrivePolicy === undefined) return ok(undefined);
    const policy = parseRedrivePolicy(attributes.RedrivePolicy);
    if (policy !== undefined && this.#find(policy.deadLetterTargetArn) !== undefined) return ok(undefined);
    return err(
      senderError(
        "InvalidAttributeValue",
        "Invalid value for the parameter RedrivePolicy. Reason: Dead letter target does not exist.",
        400,
        "InvalidAttributeValue",
      ),
    );
  }

  #send(queue: LocalQueue, entry: MessageEntry): Result<Record<string, string>, AwsError> {
    return this.#validateMessage(queue, entry).map(({ messageAttributes, awsTraceHeader }) => {
      const stored = queue.enqueue({
        body: entry.MessageBody,
        messageAttributes,
        ...(entry.DelaySeconds === undefined ? {} : { delaySeconds: entry.DelaySeconds }),
        ...(awsTraceHeader === undefined ? {} : { awsTraceHeader }),
      });
      return {
        MessageId: stored.messageId,
        MD5OfMessageBody: stored.md5OfBody,
        ...(stored.md5OfMessageAttributes === undefined
          ? {}
          : { MD5OfMessageAttributes: stored.md5OfMessageAttributes }),
      };
    });
  }

  #sendBatch(input: Input<"SendMessageBatch">): Result<unknown, AwsError> {
    return this.#queue(input.QueueUrl).andThen((queue) =>
      checkBatch(input.Entries).andThen(() => {
        const total = input.Entries.reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody), 0);
        if (total > Math.max(MAX_BATCH_BYTES, queue.settings.maximumMessageSize)) {
          return err(
            senderError(
              "BatchRequestTooLong",
              "Batch requests cannot be longer than 262144 bytes.",
              400,
              "AWS.SimpleQueueService.BatchRequestTooLong",
            ),
          );
        }
        const successful: Record<string, string>[] = [];
        const failed: BatchFailure[] = [];
        for (const entry of input.Entries) {
          this.#send(queue, { ...entry, QueueUrl: input.QueueUrl }).match(
            (sent) => successful.push({ Id: entry.Id, ...sent }),
            (error) => failed.push(batchFailure(entry.Id, error)),
          );
        }
        return ok({ Successful: successful, Failed: failed });
      }),
    );
  }

  async #receive(
    queue: LocalQueue,
    input: Input<"ReceiveMessage">,
    signal: AbortSignal,
  ): Promise<Result<unknown, AwsError>> {
    const max = input.MaxNumberOfMessages ?? 1;
    if (max < 1 || max > 10) {
      return err(
        invalidParameterValue(
          `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        ),
      );
    }
    const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeoutSeconds;
    if (visibility < 0 || visibility > 43_200) {
      return err(invalidParameterValue(`Value ${visibility} for parameter VisibilityTimeout is invalid.`));
    }
    const wait = input.WaitTimeSeconds ?? queue.settings.receiveWaitTimeSeconds;
    if (wait < 0 || wait > 20) {
      return err(
        invalidParameterValue(
          `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
        ),
      );
    }
    const stop = AbortSignal.any([signal, this.#closing.signal]);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const now = Date.now();
      const received = this.#takeVisible(queue, max, visibility, now);
      const gone = this.#queues.get(queue.name) !== queue;
      if (received.length > 0 || now >= deadline || stop.aborted || gone) {
        const systemNames = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
        const messages = received.map((r) =>
          renderMessage(r.message, r.receiptHandle, systemNames, input.MessageAttributeNames ?? []),
        );
        return ok(messages.length === 0 ? {} : { Messages: messages });
      }
      const next = queue.nextVisibleAt(now);
      await queue.waitForChange(Math.min(deadline, next ?? deadline) - now, stop);
    }
  }

  /**
   * Takes up to `max` visible messages, oldest first. A message already received
   * maxReceiveCount times moves to the dead-letter queue instead, as SQS moves it on the
   * receive that would exceed the count.
   */
  #takeVisible(
    queue: LocalQueue,
    max: number,
    visibility: number,
    now: number,
  ): { message: StoredMessage; receiptHandle: string }[] {
    queue.expire(now);
    const taken: { message: StoredMessage; receiptHandle: string }[] = [];
    const redrive = queue.settings.redrivePolicy;
    const deadLetterQueue = redrive === undefined ? undefined : this.#find(redrive.deadLetterTargetArn);
    for (const message of [...queue.messages.values()]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      if (
        redrive !== undefined &&
        deadLetterQueue !== undefined &&
        message.receiveCount >= redrive.maxReceiveCount
      ) {
        queue.messages.delete(message.messageId);
        deadLetterQueue.enqueue({
          body: message.body,
          messageAttributes: message.messageAttributes,
          messageId: message.messageId,
          sentTimestamp: message.sentTimestamp,
          delaySeconds: 0,
          deadLetterQueueSourceArn: queue.arn,
          ...(message.awsTraceHeader === undefined ? {} : { awsTraceHeader: message.awsTraceHeader }),
        });
        continue;
      }
      taken.push({ message, receiptHandle: queue.receive(message, visibility, now) });
    }
    return taken;
  }

  #delete(queue: LocalQueue, receiptHandle: string): Result<unknown, AwsError> {
    const decoded = decodeReceiptHandle(receiptHandle);
    if (decoded?.queueName !== queue.name) {
      return err(
        receiptHandleInvalid(`The input receipt handle "${receiptHandle}" is not a valid receipt handle.`),
      );
    }
    const message = queue.messages.get(decoded.messageId);
    // A stale handle (the message was received again since) succeeds without deleting, as in SQS.
    if (message?.receiptHandle === receiptHandle) queue.messages.delete(decoded.messageId);
    return ok({});
  }

  #deleteBatch(input: Input<"DeleteMessageBatch">): Result<unknown, AwsError> {
    return this.#queue(input.QueueUrl).andThen((queue) =>
      checkBatch(input.Entries).map(() => {
        const successful: { Id: string }[] = [];
        const failed: BatchFailure[] = [];
        for (const entry of input.Entries) {
          this.#delete(queue, entry.ReceiptHandle).match(
            () => successful.push({ Id: entry.Id }),
            (error) => failed.push(batchFailure(entry.Id, error)),
          );
        }
        return { Successful: successful, Failed: failed };
      }),
    );
  }

  #changeVisibility(queue: LocalQueue, receiptHandle: string, seconds: number): Result<unknown, AwsError> {
    if (seconds < 0 || seconds > 43_200) {
      return err(
        invalidParameterValue(
          `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
        ),
      );
    }
    const decoded = decodeReceiptHandle(receiptHandle);
    if (decoded?.queueName !== queue.name) {
      return err(
        receiptHandleInvalid(`The input receipt handle "${receiptHandle}" is not a valid receipt handle.`),
      );
    }
    const message = queue.messages.get(decoded.messageId);
    if (message?.receiptHandle !== receiptHandle)
      return err(receiptHandleInvalid("The receipt handle has expired."));
    const now = Date.now();
    if (stateOf(message, now) !== "in-flight") {
      return err(
        senderError(
          "MessageNotInflight",
          "The message referred to is not in flight.",
          400,
          "AWS.SimpleQueueService.MessageNotInflight",
        ),
      );
    }
    message.visibleAt = now + seconds * 1000;
    queue.changed();
    return ok({});
  }

  #changeVisibilityBatch(input: Input<"ChangeMessageVisibilityBatch">): Result<unknown, AwsError> {
    return this.#queue(input.QueueUrl).andThen((queue) =>
      checkBatch(input.Entries).map(() => {
        const successful: { Id: string }[] = [];
        const failed: BatchFailure[] = [];
        for (const entry of input.Entries) {
          this.#changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout).match(
            () => successful.push({ Id: entry.Id }),
            (error) => failed.push(batchFailure(entry.Id, error)),
          );
        }
        return { Successful: successful, Failed: failed };
      }),
    );
  }

  #validateMessage(
    queue: LocalQueue,
    entry: MessageEntry,
  ): Result<{ messageAttributes: Record<string, MessageAttribute>; awsTraceHeader?: string }, AwsError> {
    const body = entry.MessageBody;
    if (body === "")
      return err(
        senderError(
          "MissingParameter",
          "The request must contain the parameter MessageBody.",
          400,
          "MissingParameter",
        ),
      );
    if (INVALID_BODY_CHARACTER.test(body)) {
      return err(
        senderError(
          "InvalidMessageContents",
          "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
          400,
          "InvalidMessageContents",
        ),
      );
    }
    if (entry.DelaySeconds !== undefined && (entry.DelaySeconds < 0 || entry.DelaySeconds > 900)) {
      return err(
        invalidParameterValue(
          `Value ${entry.DelaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
        ),
      );
    }
    return validateMessageAttributes(
      Object.entries(entry.MessageAttributes ?? {}).map(([name, value]) => ({
        name,
        dataType: value.DataType,
        stringValue: value.StringValue,
        binaryValue: value.BinaryValue,
      })),
      { allowStringArray: false, toError: invalidParameterValue },
    ).andThen((messageAttributes) => {
      const size =
        Buffer.byteLength(body) +
        Object.entries(messageAttributes).reduce(
          (sum, [name, a]) =>
            sum +
            Buffer.byteLength(name) +
            Buffer.byteLength(a.dataType) +
            Buffer.byteLength(a.stringValue ?? a.binaryValue ?? ""),
          0,
        );
      const limit = queue.settings.maximumMessageSize;
      if (size > limit) {
        return err(
          invalidParameterValue(
            `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
          ),
        );
      }
      const trace = entry.MessageSystemAttributes?.AWSTraceHeader?.StringValue;
      return ok(trace === undefined ? { messageAttributes } : { messageAttributes, awsTraceHeader: trace });
    });
  }

  #queue(url: string): Result<LocalQueue, AwsError> {
    const queue = this.#find(url);
    return queue === undefined ? err(queueDoesNotExist()) : ok(queue);
  }

  #byName(name: string): Result<LocalQueue, AwsError> {
    const queue = this.#queues.get(name);
    return queue === undefined ? err(queueDoesNotExist()) : ok(queue);
  }

  /** By URL (any host: only the last path segment names the queue), ARN, or plain name. */
  #find(ref: string): LocalQueue | undefined {
    const name = ref.startsWith("arn:aws:sqs:") ? ref.split(":").at(-1) : ref.split("/").at(-1);
    return name === undefined ? undefined : this.#queues.get(name);
  }
}

function done<T>(result: Result<T, AwsError>): Promise<Result<unknown, AwsError>> {
  return Promise.resolve(result);
}

function checkBatch(entries: readonly { Id: string }[]): Result<void, AwsError> {
  if (entries.length === 0) {
    return err(
      senderError(
        "EmptyBatchRequest",
        "There should be at least one entry in the request.",
        400,
        "AWS.SimpleQueueService.EmptyBatchRequest",
      ),
    );
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    return err(
      senderError(
        "TooManyEntriesInBatchRequest",
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
        400,
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
      ),
    );
  }
  if (new Set(entries.map((e) => e.Id)).size !== entries.length) {
    return err(
      senderError(
        "BatchEntryIdsNotDistinct",
        "Two or more batch entries in the request have the same Id.",
        400,
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
      ),
    );
  }
  return ok(undefined);
}

function batchFailure(id: string, error: AwsError): BatchFailure {
  return {
    Id: id,
    SenderFault: error.side === "Sender",
    Code: error.queryCode ?? error.code,
    Message: error.message,
  };
}

function isKnownAttribute(name: string): boolean {
  return (
    name in DEFAULT_QUEUE_ATTRIBUTES ||
    (READ_ONLY_ATTRIBUTES as readonly string[]).includes(name) ||
    [
      "RedrivePolicy",
      "Policy",
      "KmsMasterKeyId",
      "KmsDataKeyReusePeriodSeconds",
      "RedriveAllowPolicy",
    ].includes(name)
  );
}

function renderMessage(
  message: StoredMessage,
  receiptHandle: string,
  systemNames: readonly string[],
  attributeNames: readonly string[],
): Record<string, unknown> {
  const system: Record<string, string | undefined> = {
    SenderId: LOCAL_ACCOUNT_ID,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
    AWSTraceHeader: message.awsTraceHeader,
  };
  const wanted = systemNames.includes("All") ? MESSAGE_SYSTEM_ATTRIBUTES : systemNames;
  const attributes = Object.fromEntries(
    wanted.flatMap((name) => {
      const value = system[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const selected = Object.entries(message.messageAttributes).filter(([name]) =>
    wantsAttribute(attributeNames, name),
  );
  const messageAttributes = Object.fromEntries(selected);
  const md5Attributes = md5OfMessageAttributes(messageAttributes);
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
    ...(md5Attributes === undefined ? {} : { MD5OfMessageAttributes: md5Attributes }),
    ...(selected.length === 0
      ? {}
      : {
          MessageAttributes: Object.fromEntries(
            selected.map(([name, a]) => [
              name,
              {
                DataType: a.dataType,
                ...(a.stringValue === undefined ? {} : { StringValue: a.stringValue }),
                ...(a.binaryValue === undefined ? {} : { BinaryValue: a.binaryValue }),
              },
            ]),
          ),
        }),
  };
}

/** `All`, `.*`, an exact name, or a `prefix.*` pattern, as ReceiveMessage's MessageAttributeNames. */
function wantsAttribute(patterns: readonly string[], name: string): boolean {
  return patterns.some(
    (p) => p === "All" || p === ".*" || p === name || (p.endsWith(".*") && name.startsWith(p.slice(0, -1))),
  );
}
