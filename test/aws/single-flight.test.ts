import { errAsync, okAsync, ResultAsync } from "neverthrow";
import { describe, expect, it } from "vitest";
import { singleFlight } from "../../lib/aws/single-flight";

describe("singleFlight", () => {
  it("shares one call among concurrent callers, and starts a new one once it has ended", async () => {
    let starts = 0;
    let release: (value: number) => void = () => undefined;
    const flight = singleFlight(() => {
      starts += 1;
      return ResultAsync.fromSafePromise(new Promise<number>((resolve) => (release = resolve)));
    });
    const joined = [flight.call(), flight.call(), flight.call()];
    expect(flight.running()).toBe(true);
    release(7);
    expect((await Promise.all(joined)).map((r) => r._unsafeUnwrap())).toEqual([7, 7, 7]);
    expect(starts).toBe(1);
    expect(flight.running()).toBe(false);
    const next = flight.call();
    release(8);
    expect((await next)._unsafeUnwrap()).toBe(8);
    expect(starts).toBe(2);
  });

  it("does not cache a failure: the next caller tries again", async () => {
    const outcomes = [errAsync("down"), okAsync("up")];
    const flight = singleFlight(() => outcomes.shift()!);
    expect((await flight.call())._unsafeUnwrapErr()).toBe("down");
    expect((await flight.call())._unsafeUnwrap()).toBe("up");
  });
});
