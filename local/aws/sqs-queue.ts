import { randomBytes, randomUUID } from "node:crypto";
import type { MessageAttribute } from "./message-attributes";
import { settingsOf, type QueueSettings } from "./sqs-queue-attributes";
import { md5OfBody, md5OfMessageAttributes } from "./sqs-md5";

/** A message in a local queue. Its state follows from `visibleAt` and `receiveCount`. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly md5OfMessageAttributes?: string;
  /** Kept across a move to the dead-letter queue: retention counts from the first send. */
  readonly sentTimestamp: number;
  readonly awsTraceHeader?: string;
  readonly deadLetterQueueSourceArn?: string;
  /** Not receivable before this time: delayed (never received) or in flight (received). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Only the latest receive's handle deletes the message, as in SQS. */
  receiptHandle?: string;
}

export type MessageState = "visible" | "in-flight" | "delayed";

export interface NewMessage {
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly delaySeconds?: number;
  readonly awsTraceHeader?: string;
  /** For a move to the dead-letter queue: the message keeps its id and send time. */
  readonly messageId?: string;
  readonly sentTimestamp?: number;
  readonly deadLetterQueueSourceArn?: string;
}

export function stateOf(message: StoredMessage, now: number): MessageState {
  if (message.visibleAt <= now) return "visible";
  return message.receiveCount > 0 ? "in-flight" : "delayed";
}

/** One queue: its attributes, its messages in send order, and the receivers long-polling it. */
export class LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly createdTimestamp: number;
  lastModifiedTimestamp: number;
  #attributes: Record<string, string>;
  #settings: QueueSettings;
  /** Map iteration order is insertion order: receives take the oldest visible messages first. */
  readonly messages = new Map<string, StoredMessage>();
  readonly #waiters = new Set<() => void>();

  constructor(name: string, url: string, arn: string, attributes: Record<string, string>) {
    this.name = name;
    this.url = url;
    this.arn = arn;
    this.createdTimestamp = Date.now();
    this.lastModifiedTimestamp = this.createdTimestamp;
    this.#attributes = attributes;
    this.#settings = settingsOf(attributes);
  }

  get attributes(): Readonly<Record<string, string>> {
    return this.#attributes;
  }

  get settings(): QueueSettings {
    return this.#settings;
  }

  setAttributes(attributes: Readonly<Record<string, string>>): void {
    this.#attributes = { ...this.#attributes, ...attributes };
    this.#settings = settingsOf(this.#attributes);
    this.lastModifiedTimestamp = Date.now();
    this.changed();
  }

  enqueue(message: NewMessage): StoredMessage {
    const now = Date.now();
    const delay = message.delaySeconds ?? this.#settings.delaySeconds;
    const md5Attributes = md5OfMessageAttributes(message.messageAttributes);
    const stored: StoredMessage = {
      messageId: message.messageId ?? randomUUID(),
      body: message.body,
      md5OfBody: md5OfBody(message.body),
      messageAttributes: message.messageAttributes,
      ...(md5Attributes === undefined ? {} : { md5OfMessageAttributes: md5Attributes }),
      sentTimestamp: message.sentTimestamp ?? now,
      ...(message.awsTraceHeader === undefined ? {} : { awsTraceHeader: message.awsTraceHeader }),
      ...(message.deadLetterQueueSourceArn === undefined
        ? {}
        : { deadLetterQueueSourceArn: message.deadLetterQueueSourceArn }),
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    this.messages.set(stored.messageId, stored);
    this.changed();
    return stored;
  }

  /** Marks a message received: hidden for the visibility timeout, with a fresh receipt handle. */
  receive(message: StoredMessage, visibilityTimeoutSeconds: number, now: number): string {
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    const handle = encodeReceiptHandle(this.name, message.messageId);
    message.receiptHandle = handle;
    return handle;
  }

  /** Drops messages past the retention period, as SQS does. */
  expire(now: number): void {
    const retentionMs = this.#settings.messageRetentionSeconds * 1000;
    for (const [id, message] of this.messages) {
      if (message.sentTimestamp + retentionMs <= now) this.messages.delete(id);
    }
  }

  counts(now: number): Record<MessageState, number> {
    const counts: Record<MessageState, number> = { visible: 0, "in-flight": 0, delayed: 0 };
    for (const message of this.messages.values()) counts[stateOf(message, now)] += 1;
    return counts;
  }

  /** When the next hidden message becomes visible, if any is hidden. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next))
        next = message.visibleAt;
    }
    return next;
  }

  /** Wakes the long-polling receivers: something they may take has arrived or become visible. */
  changed(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Resolves on the next change, after `ms`, or on abort, whichever comes first. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }
}

const HANDLE_SEPARATOR = "\n";

function encodeReceiptHandle(queueName: string, messageId: string): string {
  const nonce = randomBytes(12).toString("hex");
  return Buffer.from([queueName, messageId, nonce].join(HANDLE_SEPARATOR), "utf8").toString("base64url");
}

/** The queue and message a receipt handle names, or undefined when it is not one of ours. */
export function decodeReceiptHandle(handle: string): { queueName: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, "base64url").toString("utf8").split(HANDLE_SEPARATOR);
  if (parts.length !== 3) return undefined;
  const [queueName, messageId] = parts;
  if (queueName === undefined || messageId === undefined || queueName === "" || messageId === "")
    return undefined;
  return { queueName, messageId };
}
