/**
 * A token bucket refilled continuously at `perSecond`, holding at most one second's worth, so a
 * burst above the configured rate is refused the moment it happens. Hand-written: ten lines do
 * not justify a dependency.
 *
 * The capacity is never below one request: below 1/s (Mark ID's documented 10,000 per hour is
 * 2.8/s, an account's share of it can be less) a second's worth is a fraction of a request, and a
 * bucket that never holds a whole one would refuse every request instead of one per 1/perSecond.
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number = Date.now(),
  ) {
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
    this.last = now;
  }

  tryTake(now: number = Date.now()): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next request would pass, for Retry-After. */
  secondsUntilNext(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}
