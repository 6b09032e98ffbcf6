import { err, ok, ResultAsync, type Result } from "neverthrow";

export interface SingleFlight<T, E> {
  /** Joins the call in flight, or starts one. */
  call(): ResultAsync<T, E>;
  /** Whether a call is in flight now. */
  running(): boolean;
}

/**
 * One call shared by every concurrent caller: while it runs, callers join it and get its outcome;
 * once it ends, however it ends, the next caller starts a new one (a failure is not cached). Used
 * where a burst of callers would otherwise each read Secrets Manager (billed, and throttled per
 * account). Hand-written: the whole of it is a slot cleared when the shared promise settles.
 */
export function singleFlight<T, E>(start: () => ResultAsync<T, E>): SingleFlight<T, E> {
  let inFlight: Promise<Result<T, E>> | undefined;
  return {
    call() {
      // match's callbacks run after this assignment (promises settle asynchronously), so the slot
      // is cleared only once the shared call is over.
      inFlight ??= start().match(
        (value): Result<T, E> => {
          inFlight = undefined;
          return ok(value);
        },
        (error): Result<T, E> => {
          inFlight = undefined;
          return err(error);
        },
      );
      return new ResultAsync(inFlight);
    },
    running: () => inFlight !== undefined,
  };
}
