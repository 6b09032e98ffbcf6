import { describe, expect, it } from "vitest";
import { metricValues, tapMetricLines } from "../../local/stack/metric-tap";

/** An EMF line as Powertools Metrics writes it. */
function emf(namespace: string, metrics: Record<string, number | number[]>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [["service"]],
          Metrics: Object.keys(metrics).map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
    service: "svc",
    ...metrics,
  });
}

describe("metricValues", () => {
  it("sums each metric of the namespace, an array of values included", () => {
    expect(
      metricValues(`${emf("MarkId", { ResultPublished: 1, ResultsRecovered: [1, 1] })}\n`, "MarkId"),
    ).toEqual(
      new Map([
        ["ResultPublished", 1],
        ["ResultsRecovered", 2],
      ]),
    );
  });

  it("is undefined for another namespace, a log line, or text", () => {
    expect(metricValues(emf("Other", { X: 1 }), "MarkId")).toBeUndefined();
    expect(metricValues(JSON.stringify({ level: "INFO", message: "hi" }), "MarkId")).toBeUndefined();
    expect(metricValues('{"_aws": not json', "MarkId")).toBeUndefined();
    expect(metricValues("12:00:00.000  sqs  a console line\n", "MarkId")).toBeUndefined();
  });
});

describe("tapMetricLines", () => {
  it("counts the namespace's EMF lines and keeps them from the terminal; lets everything else through", () => {
    const written: string[] = [];
    const stream = {
      write: (chunk: string) => {
        written.push(chunk);
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const tap = tapMetricLines({ namespace: "MarkId", streams: [stream] });
    const ours = `${emf("MarkId", { ResultsRecovered: 1 })}\n`;
    const theirs = `${emf("Other", { ResultsRecovered: 5 })}\n`;
    stream.write(ours);
    stream.write(theirs);
    stream.write(ours);
    stream.write("a console line\n");
    tap.stop();
    stream.write(ours);
    expect(tap.total("ResultsRecovered")).toBe(2);
    expect(tap.total("ResultPublished")).toBe(0);
    expect(written).toEqual([theirs, "a console line\n", ours]);
  });
});
