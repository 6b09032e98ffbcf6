import { randomUUID } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { senderError, type AwsError } from "./aws-errors";
import { stateOf, type LocalQueue } from "./sqs-queue";

/*
 * SQS's DLQ redrive API (StartMessageMoveTask, ListMessageMoveTasks), so the operations tool runs
 * the same calls against the local stack as against AWS. AWS moves messages in the background at a
 * rate; here a task moves every visible message of the source at once and is COMPLETED when the
 * call returns. Without a destination a message goes back to the queue it was dead-lettered from,
 * as on AWS; a moved message gets a new MessageId and a fresh receive count.
 */

export interface MoveTaskInput {
  readonly SourceArn: string;
  readonly DestinationArn?: string | undefined;
}

interface MoveTask {
  readonly TaskHandle: string;
  readonly Status: "COMPLETED";
  readonly SourceArn: string;
  readonly DestinationArn?: string;
  readonly ApproximateNumberOfMessagesMoved: number;
  readonly ApproximateNumberOfMessagesToMove: number;
  readonly StartedTimestamp: number;
}

const resourceNotFound = (message: string) =>
  senderError("ResourceNotFoundException", message, 404, "ResourceNotFoundException");

export class MessageMoveTasks {
  readonly #tasks: MoveTask[] = [];

  constructor(private readonly find: (arn: string) => LocalQueue | undefined) {}

  start(input: MoveTaskInput): Result<{ TaskHandle: string }, AwsError> {
    const source = this.find(input.SourceArn);
    if (source === undefined) return err(resourceNotFound(`no queue ${input.SourceArn}`));
    const fixed = input.DestinationArn === undefined ? undefined : this.find(input.DestinationArn);
    if (input.DestinationArn !== undefined && fixed === undefined) {
      return err(resourceNotFound(`no queue ${input.DestinationArn}`));
    }
    const now = Date.now();
    const visible = [...source.messages.values()].filter((m) => stateOf(m, now) === "visible");
    let moved = 0;
    for (const message of visible) {
      const destination =
        fixed ??
        (message.deadLetterQueueSourceArn === undefined
          ? undefined
          : this.find(message.deadLetterQueueSourceArn));
      // A message that was never dead-lettered has nowhere to go back to: it stays.
      if (destination === undefined) continue;
      destination.enqueue({
        body: message.body,
        messageAttributes: message.messageAttributes,
        delaySeconds: 0,
      });
      source.messages.delete(message.messageId);
      moved += 1;
    }
    source.changed();
    const task: MoveTask = {
      TaskHandle: randomUUID(),
      Status: "COMPLETED",
      SourceArn: input.SourceArn,
      ...(input.DestinationArn === undefined ? {} : { DestinationArn: input.DestinationArn }),
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: visible.length,
      StartedTimestamp: now,
    };
    this.#tasks.unshift(task);
    return ok({ TaskHandle: task.TaskHandle });
  }

  /** The source's tasks, most recent first (AWS keeps those of the last 14 days). */
  list(sourceArn: string, maxResults = 1): Result<{ Results: MoveTask[] }, AwsError> {
    if (this.find(sourceArn) === undefined) return err(resourceNotFound(`no queue ${sourceArn}`));
    return ok({ Results: this.#tasks.filter((t) => t.SourceArn === sourceArn).slice(0, maxResults) });
  }
}
