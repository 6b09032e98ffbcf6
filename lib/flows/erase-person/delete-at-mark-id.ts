import { deleteEndpoint } from "../../markid/endpoints";
import type { ErasedSession } from "../../messages";
import type { ExecutionFailure } from "../../resilience/execute";
import { callMarkId } from "../call-markid";
import { isTokenNotExpired } from "../delete-verifications";
import { stopReasonOf } from "../reconcile-sessions/failure";
import type { ErasePersonDependencies, ErasePersonOptions } from "./types";

/**
 * POST /api/v2/delete under the error policy, as one of the erasure's outcomes at Mark ID: deleted,
 * not yet (the token has not expired), unavailable (a failure every call would share), or refused
 * for this session alone.
 */
export function deleteAtMarkId(
  scanRef: string,
  deps: ErasePersonDependencies,
  options: ErasePersonOptions,
): Promise<Pick<ErasedSession, "markId" | "identifier">> {
  const called = callMarkId(
    deps,
    deleteEndpoint,
    { scanRef },
    {
      remainingTimeMs: options.remainingTimeMs,
      ...(options.onAttempt === undefined ? {} : { onAttempt: options.onAttempt }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.random === undefined ? {} : { random: options.random }),
    },
  );
  return called.match(
    () => ({ markId: "deleted" }),
    (failure) => afterFailure(failure),
  );
}

function afterFailure(failure: ExecutionFailure): Pick<ErasedSession, "markId" | "identifier"> {
  if (isTokenNotExpired(failure.error)) return { markId: "not-yet" };
  if (stopReasonOf(failure) !== null) return { markId: "unavailable" };
  const identifier = "identifier" in failure.error ? failure.error.identifier : undefined;
  return { markId: "refused", ...(typeof identifier === "string" ? { identifier } : {}) };
}
