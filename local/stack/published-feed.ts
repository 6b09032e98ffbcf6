/** One message the functions published, as the local stack saw it. */
export interface PublishedRecord {
  readonly topic: "events" | "alerts" | "other";
  /** The `type` message attribute (or the body's `type`): `verification.completed`, `markid.token-limit-reached`... */
  readonly type: string;
  /** Alerts: the `state` attribute (`firing` or `resolved`). */
  readonly state?: string;
  /** The parsed JSON body; `{}` when the body was not a JSON object. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface TopicArns {
  readonly events: string;
  readonly alerts: string;
}

type Listener = (record: PublishedRecord) => void;

/**
 * Everything published to the events and alerts topics, in order, with a way to wait for a
 * message. Fed by the local SNS's publish hook, or by a queue subscribed to the topics when the
 * stack runs against another endpoint (LocalStack).
 */
export class PublishedFeed {
  readonly #records: PublishedRecord[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #topics: TopicArns;

  constructor(topics: TopicArns) {
    this.#topics = topics;
  }

  add(topicArn: string, message: string, attributes: Readonly<Record<string, string | undefined>>): void {
    const body = parseObject(message);
    const type = attributes["type"] ?? (typeof body["type"] === "string" ? body["type"] : "?");
    const state = attributes["state"] ?? (typeof body["state"] === "string" ? body["state"] : undefined);
    const topic =
      topicArn === this.#topics.events ? "events" : topicArn === this.#topics.alerts ? "alerts" : "other";
    const record: PublishedRecord = {
      topic,
      type,
      ...(state === undefined ? {} : { state }),
      body,
      at: Date.now(),
    };
    this.#records.push(record);
    for (const listener of this.#listeners) listener(record);
  }

  list(predicate: (record: PublishedRecord) => boolean = () => true): PublishedRecord[] {
    return this.#records.filter(predicate);
  }

  /** Calls `listener` for each new record; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The first record (already seen or still to come) that matches; rejects after `timeoutMs`
   * with an error that says what was awaited.
   */
  waitFor(
    what: string,
    predicate: (record: PublishedRecord) => boolean,
    timeoutMs: number,
  ): Promise<PublishedRecord> {
    const seen = this.#records.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${what} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const stop = this.subscribe((record) => {
        if (!predicate(record)) return;
        clearTimeout(timer);
        stop();
        resolve(record);
      });
    });
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
