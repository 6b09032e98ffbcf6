/**
 * A token bucket refilled continuously at `perSecond`, holding at most one second's worth, so a
 * burst above the configured rate is refused the moment it happens. Hand-written: ten lines do
 * not justify a dependency.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number = Date.now(),
  ) {
    this.tokens = perSecond;
    this.last = now;
  }

  tryTake(now: number = Date.now()): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
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
