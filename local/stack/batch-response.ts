/**
 * How Lambda's SQS event source reads a function's reply under ReportBatchItemFailures
 * (AWS Lambda developer guide, "Reporting batch item failures"): no reply, a null or empty
 * `batchItemFailures` is complete success; an item without a valid `itemIdentifier`, or one naming
 * a message not in the batch, makes the whole batch a failure — nothing is deleted.
 */
export type BatchVerdict =
  | { readonly valid: true; readonly failed: ReadonlySet<string> }
  | { readonly valid: false; readonly problem: string };

export function readBatchResponse(reply: unknown, messageIds: ReadonlySet<string>): BatchVerdict {
  if (reply === undefined || reply === null) return { valid: true, failed: new Set() };
  if (typeof reply !== "object" || Array.isArray(reply))
    return { valid: false, problem: "the reply is not a batch response object" };
  const items = (reply as { batchItemFailures?: unknown }).batchItemFailures;
  if (items === undefined || items === null) return { valid: true, failed: new Set() };
  if (!Array.isArray(items)) return { valid: false, problem: "batchItemFailures is not a list" };
  const failed = new Set<string>();
  for (const item of items as unknown[]) {
    const id =
      typeof item === "object" && item !== null
        ? (item as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== "string" || id === "")
      return { valid: false, problem: "a batchItemFailures entry has no itemIdentifier" };
    if (!messageIds.has(id))
      return { valid: false, problem: `batchItemFailures names ${id}, which is not in the batch` };
    failed.add(id);
  }
  return { valid: true, failed };
}
