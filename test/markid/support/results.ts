import type { ResultAsync } from "neverthrow";

/** Awaits a ResultAsync expected to fail and returns its error (the test fails otherwise). */
export async function failure<T, E>(pending: ResultAsync<T, E>): Promise<E> {
  const result = await pending;
  if (result.isOk()) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Awaits a ResultAsync expected to succeed and returns its value. */
export async function success<T, E>(pending: ResultAsync<T, E>): Promise<T> {
  const result = await pending;
  if (result.isErr()) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}
