import { describe, expect, it } from "vitest";
import { describeHandlerLog, handlerLogLevels, tapHandlerLogs } from "../../local/stack/handler-log-tap";

describe("handlerLogLevels", () => {
  it("runs the handlers at INFO at least, and shows what the user asked for (default ERROR)", () => {
    expect(handlerLogLevels(undefined)).toEqual({ show: "ERROR", run: "INFO" });
    expect(handlerLogLevels("")).toEqual({ show: "ERROR", run: "INFO" });
    expect(handlerLogLevels("WARN")).toEqual({ show: "WARN", run: "INFO" });
    expect(handlerLogLevels("debug")).toEqual({ show: "debug", run: "debug" });
  });

  it("leaves an unknown level alone, for the settings check to refuse", () => {
    expect(handlerLogLevels("LOUD")).toEqual({ show: "LOUD", run: "LOUD" });
  });
});

describe("describeHandlerLog", () => {
  it("a retry: which call failed, with what, and the pause", () => {
    expect(
      describeHandlerLog({
        level: "INFO",
        message: "Mark ID call failed; retrying",
        requestId: "r-1",
        attempt: 1,
        identifier: "HTTP_503",
        delayMs: 180,
      }),
    ).toBe("retry  requestId=r-1: Mark ID call 1 failed (HTTP_503), retried in 180 ms");
  });

  it("a duplicate: no token spent; other acknowledgements say nothing", () => {
    expect(
      describeHandlerLog({
        message: "record acknowledged",
        requestId: "r-2",
        outcome: "session-republished",
      }),
    ).toBe("dup    requestId=r-2: a duplicate request: its stored session re-published, no token spent");
    expect(
      describeHandlerLog({ message: "record acknowledged", requestId: "r-2", outcome: "session-created" }),
    ).toBeUndefined();
  });

  it("a give-back: outcome, reason and calls, by messageId when no requestId is known", () => {
    expect(
      describeHandlerLog({
        message: "record given back to the queue",
        messageId: "m-3",
        outcome: "markid-failed",
        reason: "token limit\nforged line",
        attempts: 1,
      }),
    ).toBe(
      "back   messageId=m-3: given back to the queue (markid-failed: token limit forged line, 1 Mark ID call(s))",
    );
  });

  it("a result the publisher gave back: its scanRef, reason and error", () => {
    expect(
      describeHandlerLog({
        level: "ERROR",
        message: "result not published: given back for redelivery",
        messageId: "m-4",
        reason: "publish-failed",
        scanRef: "s-4",
        final: true,
        overall: "APPROVED",
        error: "sns Publish failed: InternalErrorException (transient): Internal Error",
      }),
    ).toBe(
      "back   scanRef=s-4: result given back to the results queue (publish-failed: sns Publish failed: " +
        "InternalErrorException (transient): Internal Error)",
    );
  });

  it("prints named fields only, never the rest of the entry", () => {
    const line = describeHandlerLog({
      message: "Mark ID call failed; retrying",
      requestId: "r-4",
      authToken: "secret-token",
      clientId: "person-5",
    });
    expect(line).not.toMatch(/secret-token|person-5/);
  });
});

describe("tapHandlerLogs", () => {
  /** A stream that records what reaches the terminal. */
  function stream() {
    const written: string[] = [];
    return {
      written,
      stream: {
        write: (chunk: string) => {
          written.push(chunk);
          return true;
        },
      } as unknown as NodeJS.WriteStream,
    };
  }

  it("hands every handler line over, lets through only those at the shown level and up, leaves the rest alone", () => {
    const out = stream();
    const entries: unknown[] = [];
    const stop = tapHandlerLogs({
      service: "svc",
      show: "WARN",
      onEntry: (entry) => entries.push(entry["message"]),
      streams: [out.stream],
    });
    const info = JSON.stringify({ level: "INFO", service: "svc", message: "record acknowledged" });
    const warn = JSON.stringify({ level: "WARN", service: "svc", message: "record given back to the queue" });
    const other = JSON.stringify({ level: "INFO", service: "someone-else", message: "hello" });
    for (const line of [info, warn, other, "12:00:00.000  sqs  a console line"])
      out.stream.write(`${line}\n`);
    stop();
    out.stream.write(`${info}\n`);
    expect(entries).toEqual(["record acknowledged", "record given back to the queue"]);
    expect(out.written).toEqual([
      `${warn}\n`,
      `${other}\n`,
      "12:00:00.000  sqs  a console line\n",
      `${info}\n`,
    ]);
  });
});
