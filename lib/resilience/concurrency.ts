/**
 * Runs at most `limit` calls of the wrapped function at once; the others wait in arrival order.
 *
 * Why: Powertools' BatchProcessor processes an SQS batch with an unbounded Promise.all, and each
 * record may call Mark ID, DynamoDB and SNS. BATCH_CONCURRENCY bounds that per container.
 * Hand-written (a counter and a FIFO of waiters) because p-limit is not a dependency of this
 * project and the whole of it is these few lines.
 */
export type ConcurrencyLimit = <A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  const slots = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1;
  let running = 0;
  const waiting: (() => void)[] = [];

  const acquire = (): Promise<void> => {
    if (running < slots) {
      running += 1;
      return Promise.resolve();
    }
    // The slot is handed over by `release`, so `running` is unchanged for the waiter.
    return new Promise((resolve) => waiting.push(resolve));
  };

  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };

  return (fn) =>
    async (...args) => {
      await acquire();
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };
}
