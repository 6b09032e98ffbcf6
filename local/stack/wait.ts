import { setTimeout as sleep } from "node:timers/promises";

/**
 * Resolves once `condition()` holds (checked every `everyMs`), rejects after `timeoutMs` with an
 * error naming what was awaited. For states nothing announces, like a queue's contents.
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}
