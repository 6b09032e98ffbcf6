import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import type { AwsError } from "../../lib/aws/aws-error";
import type { CredentialsError, CredentialsProvider, MarkIdSecret } from "../../lib/aws/credentials";
import { createSigningKeySource } from "../../lib/flows/webhook-signing-key";

const secret = (webhookSigningKey: string): MarkIdSecret => ({
  apiKey: "k",
  apiSecret: "s",
  webhookSigningKey,
});
const failure: AwsError = {
  kind: "aws",
  service: "secretsmanager",
  operation: "GetSecretValue",
  code: "InternalServiceError",
  retryable: true,
  message: "down",
};

/** A provider whose stored key the test sets, counting the re-reads. */
function fakeProvider(initial: string) {
  let stored = initial;
  let failing = false;
  let release: (() => void) | undefined;
  const state = { refreshes: 0 };
  const provider: Pick<CredentialsProvider, "get" | "refresh"> = {
    get: () => okAsync(secret(stored)),
    refresh: () => {
      state.refreshes += 1;
      if (failing) return errAsync<never, CredentialsError>(failure);
      const gate = new Promise<void>((resolve) => (release = resolve));
      return ResultAsync.fromSafePromise(gate.then(() => ({ secret: secret(stored), changed: true })));
    },
  };
  return {
    provider,
    state,
    store: (key: string) => (stored = key),
    fail: (value: boolean) => (failing = value),
    releaseRead: () => release?.(),
  };
}

describe("createSigningKeySource", () => {
  it("re-reads after a mismatch, then not again within the interval, then again after it", async () => {
    let now = 1_000;
    const fake = fakeProvider("old");
    const keys = createSigningKeySource({
      credentials: fake.provider,
      minRefreshIntervalMs: 1000,
      now: () => now,
    });
    fake.store("new");

    const first = keys.refreshAfterMismatch();
    fake.releaseRead();
    expect((await first)._unsafeUnwrap()).toBe("new");
    expect(fake.state.refreshes).toBe(1);

    now += 999;
    expect((await keys.refreshAfterMismatch())._unsafeUnwrap()).toBeNull();
    expect(fake.state.refreshes).toBe(1);

    now += 1;
    const third = keys.refreshAfterMismatch();
    fake.releaseRead();
    expect((await third)._unsafeUnwrap()).toBe("new");
    expect(fake.state.refreshes).toBe(2);
  });

  it("shares one read between mismatches that arrive while it is in flight", async () => {
    const fake = fakeProvider("old");
    const keys = createSigningKeySource({ credentials: fake.provider, now: () => 5_000 });
    fake.store("rotated");

    const pending = [keys.refreshAfterMismatch(), keys.refreshAfterMismatch(), keys.refreshAfterMismatch()];
    fake.releaseRead();
    const keysSeen = (await Promise.all(pending)).map((result) => result._unsafeUnwrap());

    expect(keysSeen).toEqual(["rotated", "rotated", "rotated"]);
    expect(fake.state.refreshes).toBe(1);
  });

  it("starts no interval after a failed read: the next mismatch tries again", async () => {
    const fake = fakeProvider("old");
    const keys = createSigningKeySource({ credentials: fake.provider, now: () => 7_000 });
    fake.fail(true);
    expect((await keys.refreshAfterMismatch())._unsafeUnwrapErr()).toBe(failure);

    fake.fail(false);
    const retry = keys.refreshAfterMismatch();
    fake.releaseRead();
    expect((await retry)._unsafeUnwrap()).toBe("old");
    expect(fake.state.refreshes).toBe(2);
  });

  it("serves the current key from the provider's cache", async () => {
    const fake = fakeProvider("cached");
    const keys = createSigningKeySource({ credentials: fake.provider });
    expect((await keys.current())._unsafeUnwrap()).toBe("cached");
    expect(fake.state.refreshes).toBe(0);
  });
});
