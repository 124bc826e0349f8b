import assert from "node:assert/strict";
import { test } from "node:test";
import { num, ratio, renderScale, table } from "./report.ts";

test("num", () => {
  const f = (n: number | undefined, d: number, want: string) => assert.equal(num(n, d), want, `num(${n}, ${d})`);
  f(1234567, 0, "1,234,567");
  f(1.23456, 3, "1.235");
  f(0.5, 1, "0.5");
  f(NaN, 1, "-");
  f(undefined, 0, "-");
  f(Infinity, 0, "-");
});

test("ratio", () => {
  const f = (a: number | undefined, b: number | undefined, want: string) => assert.equal(ratio(a, b), want, `ratio(${a}, ${b})`);
  f(3, 2, "1.50");
  f(1, 3, "0.33");
  f(1, 0, "-");
  f(undefined, 2, "-");
  f(2, NaN, "-");
});

test("table aligns the first column left and the others right", () => {
  assert.equal(table([["", "a", "bb"], ["long label", "1", "22,222"], ["x", "333", ""]]), "              a      bb\nlong label    1  22,222\nx           333\n");
});

test("renderScale leaves out ratios of totals when a step was cut short", () => {
  const step = (server: string, series: number, cpuS: number) => ({
    server, step: 1000, series, samples: series * 10, wallS: cpuS, cpuS, samplesPerCpuS: (series * 10) / cpuS, seriesPerCpuS: series / cpuS,
    idleRssBytes: 0, peakRssBytes: series * 1000, rssPerSeriesBytes: 1000, failedBodies: 0, timedOut: series < 1000,
    verify: { exportS: 0, samples: 0, series: 0, sum: 0, expectedSamples: 0, expectedSeries: 0, expectedSum: 0, badLines: 0, ok: true }, problems: [],
  });
  const f = (tmSeries: number, want: string) => {
    const ratioRow = renderScale([step("victoria-metrics", 1000, 1), step("tidemark", tmSeries, 4)]).split("\n")[3]!.split(/\s+/);
    assert.equal(ratioRow.slice(2).join(" "), want, `tidemark series=${tmSeries}`);
  };
  f(1000, "4.00 4.00 0.25 0.25 1.00 1.00");
  f(500, "- - 0.13 0.13 - 1.00");
});
