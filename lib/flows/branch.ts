import { ResultAsync } from "neverthrow";

/**
 * Continues with one of two steps by how `result` ended: a fold, the one combinator neverthrow
 * lacks. `andThen` and `orElse` each see one side, and a step that may end either way (a failed
 * token call may still acknowledge its record with a failure event) needs both.
 */
export function branch<T, E, U, F>(
  result: ResultAsync<T, E>,
  onOk: (value: T) => ResultAsync<U, F>,
  onErr: (error: E) => ResultAsync<U, F>,
): ResultAsync<U, F> {
  return new ResultAsync((async () => (await result).match(onOk, onErr))());
}
