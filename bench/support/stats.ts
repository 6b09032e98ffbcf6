/**
 * The few statistics the benchmarks need. Hand-written: a median and a nearest-rank percentile do
 * not justify a dependency.
 */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface PairedRatio {
  /** Median over the rounds of (candidate time / baseline time) measured in the same round. */
  readonly ratio: number;
  readonly baselineMedianMs: number;
  readonly candidateMedianMs: number;
  readonly rounds: number;
}

/**
 * Runs the baseline and the candidate in alternating order (AB, BA, AB, …) for `rounds` rounds and
 * returns the median of the per-round ratios. A slow patch of the machine then hits both sides of
 * a pair, and the order effect (warm caches, GC debt left by the previous run) cancels out.
 */
export async function pairedRatio(
  rounds: number,
  baseline: () => Promise<number>,
  candidate: () => Promise<number>,
): Promise<PairedRatio> {
  const baselineTimes: number[] = [];
  const candidateTimes: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let base: number;
    let cand: number;
    if (round % 2 === 0) {
      base = await baseline();
      cand = await candidate();
    } else {
      cand = await candidate();
      base = await baseline();
    }
    baselineTimes.push(base);
    candidateTimes.push(cand);
    ratios.push(cand / base);
  }
  return {
    ratio: median(ratios),
    baselineMedianMs: median(baselineTimes),
    candidateMedianMs: median(candidateTimes),
    rounds,
  };
}

/** Wall time of an async action, in milliseconds. */
export async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** Runs `total` tasks with at most `concurrency` in flight; resolves when all are done. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
