import type { FaultKind } from "./aws-errors";
import type { ServiceName } from "./ids";

/**
 * A fault to inject: the matching calls get `error` instead of being served.
 * With `count`, only the next `count` matching calls fail; with `untilMs` (an absolute
 * `Date.now()` time), calls fail until then; with both, whichever ends first; with neither,
 * until the fault is removed or `clear()` is called.
 */
export interface FaultSpec {
  readonly service: ServiceName;
  /** The operation name as the SDK sends it (`GetSecretValue`, `Publish`, `PutItem`); all when omitted. */
  readonly operation?: string;
  /** `reset` destroys the connection without a reply: the SDK sees ECONNRESET. */
  readonly error: FaultKind | "reset";
  readonly count?: number;
  readonly untilMs?: number;
}

export interface InjectedFault {
  readonly spec: FaultSpec;
  /** How many calls this fault has answered so far. */
  hits(): number;
  remove(): void;
}

export interface Faults {
  inject(spec: FaultSpec): InjectedFault;
  /** Every fault still armed. */
  active(): readonly InjectedFault[];
  clear(): void;
}

interface ArmedFault {
  readonly spec: FaultSpec;
  hits: number;
}

/** Holds the armed faults; the gateway asks it, per call, whether to fail that call. */
export class FaultInjector implements Faults {
  readonly #armed = new Set<ArmedFault>();

  inject(spec: FaultSpec): InjectedFault {
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
      throw new RangeError(`fault count must be a positive integer, got ${spec.count}`);
    }
    const armed: ArmedFault = { spec, hits: 0 };
    this.#armed.add(armed);
    return this.#handle(armed);
  }

  active(): readonly InjectedFault[] {
    this.#expire(Date.now());
    return [...this.#armed].map((armed) => this.#handle(armed));
  }

  clear(): void {
    this.#armed.clear();
  }

  /** The fault that answers this call, if any; consumes one of its `count`. Oldest fault first. */
  take(service: ServiceName, operation: string): FaultSpec["error"] | undefined {
    this.#expire(Date.now());
    for (const armed of this.#armed) {
      const { spec } = armed;
      if (spec.service !== service) continue;
      if (spec.operation !== undefined && spec.operation !== operation) continue;
      armed.hits += 1;
      if (spec.count !== undefined && armed.hits >= spec.count) this.#armed.delete(armed);
      return spec.error;
    }
    return undefined;
  }

  #expire(now: number): void {
    for (const armed of this.#armed) {
      if (armed.spec.untilMs !== undefined && now >= armed.spec.untilMs) this.#armed.delete(armed);
    }
  }

  #handle(armed: ArmedFault): InjectedFault {
    return {
      spec: armed.spec,
      hits: () => armed.hits,
      remove: () => {
        this.#armed.delete(armed);
      },
    };
  }
}

/** Counts every call the gateway receives (faulted ones included), per service and operation. */
export class CallCounter {
  readonly #counts = new Map<string, number>();

  record(service: ServiceName, operation: string): void {
    const key = `${service}.${operation}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Calls to one operation, or to every operation of the service when `operation` is omitted. */
  count(service: ServiceName, operation?: string): number {
    if (operation !== undefined) return this.#counts.get(`${service}.${operation}`) ?? 0;
    let total = 0;
    for (const [key, n] of this.#counts) if (key.startsWith(`${service}.`)) total += n;
    return total;
  }

  reset(): void {
    this.#counts.clear();
  }
}
