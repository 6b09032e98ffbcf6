import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/**
 * Receives every visible message of `queueUrl` (up to `max`), each held for `holdSeconds`.
 * WaitTimeSeconds 0: what is there now, without waiting for more.
 */
export async function receiveVisible(
  sqs: SQSClient,
  queueUrl: string,
  max: number,
  holdSeconds: number,
): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - messages.length),
        WaitTimeSeconds: 0,
        VisibilityTimeout: holdSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return messages;
}

/**
 * Moves dead letters back to their source queue: receive → send (same body and attributes) →
 * delete, one message at a time, so a failure midway loses nothing (at worst a message is sent
 * twice, which the requestId idempotency absorbs). This works on any SQS; the local one has no
 * StartMessageMoveTask. A redriven message gets a new MessageId and a fresh receive count.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  options: { readonly deadLetterQueueUrl: string; readonly sourceQueueUrl: string; readonly max?: number },
  onMoved: (message: Message) => void = () => undefined,
): Promise<number> {
  const messages = await receiveVisible(sqs, options.deadLetterQueueUrl, options.max ?? 1000, 60);
  for (const message of messages) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: options.sourceQueueUrl,
        MessageBody: message.Body ?? "",
        ...(message.MessageAttributes === undefined ? {} : { MessageAttributes: message.MessageAttributes }),
      }),
    );
    await sqs.send(
      new DeleteMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        ReceiptHandle: message.ReceiptHandle ?? "",
      }),
    );
    onMoved(message);
  }
  return messages.length;
}

/** Messages visible in `queueUrl` now (SQS's ApproximateNumberOfMessages; exact on the local queue). */
export async function visibleMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}
