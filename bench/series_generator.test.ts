import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { hostTemplate, Kind } from "./fleet.ts";
import { SeriesGenerator, type FleetOptions } from "./series_generator.ts";

const END = Date.UTC(2026, 10, 26, 12);
const opts = (series: number, samples: number, seed = 1): FleetOptions => ({ series, samples, intervalMs: 15_000, endMs: END, seed });

interface Line {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

function render(o: FleetOptions, lineSamples: number): Line[][] {
  const g = new SeriesGenerator(o);
  const bySeries: Line[][] = Array.from({ length: o.series }, () => []);
  for (let i0 = 0; i0 < o.samples; i0 += lineSamples) {
    for (let s = 0; s < o.series; s++) bySeries[s]!.push(JSON.parse(g.line(s, i0, Math.min(o.samples, i0 + lineSamples))));
  }
  return bySeries;
}

test("the host template has constants, counters and gauges", () => {
  const f = (kind: number, atLeast: number) => {
    const n = hostTemplate.filter((d) => d.kind === kind).length;
    assert.ok(n >= atLeast, `kind ${kind}: got ${n} series; want >= ${atLeast}`);
  };
  f(Kind.constant, 10);
  f(Kind.counter, 40);
  f(Kind.walk, 10);
  f(Kind.cycle, 3);
  f(Kind.jitter, 5);
  assert.equal(hostTemplate.length, 106);
});

test("output does not depend on how samples are split into lines", () => {
  const o = opts(230, 40);
  const join = (lines: Line[][]) => lines.map((ls) => ({ metric: ls[0]!.metric, values: ls.flatMap((l) => l.values), timestamps: ls.flatMap((l) => l.timestamps) }));
  assert.deepEqual(join(render(o, 7)), join(render(o, 40)));
});

test("the seed changes values, not labels", () => {
  const a = render(opts(106, 5, 1), 5);
  const b = render(opts(106, 5, 2), 5);
  assert.deepEqual(a.map((l) => l[0]!.metric), b.map((l) => l[0]!.metric));
  assert.notDeepEqual(a.map((l) => l[0]!.values), b.map((l) => l[0]!.values));
});

test("labels: host labels first, series of a host distinct", () => {
  const lines = render(opts(212, 1), 1);
  const f = (s: number, want: Record<string, string>) => assert.deepEqual(lines[s]![0]!.metric, want, `series ${s}`);
  f(0, { __name__: "node_cpu_seconds_total", instance: "host-00000:9100", job: "node", datacenter: "eu-west", env: "prod", cpu: "0", mode: "idle" });
  f(106 + 32, { __name__: "node_memory_MemTotal_bytes", instance: "host-00001:9100", job: "node", datacenter: "us-east", env: "prod" });
  assert.equal(new Set(lines.map((l) => JSON.stringify(l[0]!.metric))).size, 212);
});

test("timestamps: one host offset, interval apart, inside (end - samples * interval, end)", () => {
  const o = opts(300, 50);
  for (const [s, ls] of render(o, 50).entries()) {
    const ts = ls[0]!.timestamps;
    assert.ok(ts[0]! > END - 50 * 15_000 && ts.at(-1)! < END, `series ${s}: ${ts[0]}..${ts.at(-1)}`);
    for (let i = 1; i < ts.length; i++) assert.equal(ts[i]! - ts[i - 1]!, 15_000, `series ${s} sample ${i}`);
  }
});

test("values: counters never decrease except at a reboot, all values print with exporter precision", () => {
  // host 5 reboots (host % 17 === 5) at 60% of the history
  const o = opts(106 * 6, 100);
  const lines = render(o, 100);
  for (const [s, ls] of lines.entries()) {
    const d = hostTemplate[s % hostTemplate.length]!;
    const vs = ls[0]!.values;
    let drops = 0;
    for (let i = 1; i < vs.length; i++) if (vs[i]! < vs[i - 1]!) drops++;
    if (d.kind === Kind.counter) {
      const host = Math.floor(s / hostTemplate.length);
      assert.ok(drops <= (host === 5 ? 1 : 0), `${d.name} series ${s}: ${drops} drops`);
    }
    if (d.kind === Kind.constant) assert.equal(new Set(vs).size, 1, `${d.name} series ${s} is constant`);
    for (const v of vs) {
      // the printed value is exactly units / div (or units * mul) for an integer number of units
      if (d.div > 1) assert.equal(Math.round(v * d.div) / d.div, v, `${d.name}: ${v} has more decimals than 1/${d.div}`);
      else assert.equal(v % d.mul, 0, `${d.name}: ${v} is not a multiple of ${d.mul}`);
    }
  }
  const rebooted = lines[5 * 106]![0]!.values; // node_cpu_seconds_total of host 5
  assert.ok(rebooted[65]! < rebooted[0]!, `host 5 counter after reboot: ${rebooted[65]} vs ${rebooted[0]}`);
});

test("lastSum is the sum of the line's values", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 30 }), (series, samples) => {
      const g = new SeriesGenerator(opts(series, samples));
      for (let s = 0; s < series; s++) {
        const l = JSON.parse(g.line(s, 0, samples)) as Line;
        const want = l.values.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(g.lastSum - want) <= 1e-9 * Math.abs(want), `series ${s}: lastSum ${g.lastSum}; want ${want}`);
      }
    }),
    { numRuns: 20 },
  );
});

test("line() refuses samples out of order", () => {
  const g = new SeriesGenerator(opts(2, 10));
  g.line(0, 0, 5);
  assert.throws(() => g.line(0, 0, 5), /BUG: line\(0, 0, 5\) out of order/);
  assert.throws(() => g.line(1, 5, 10), /BUG: line\(1, 5, 10\) out of order/);
  assert.throws(() => g.line(0, 5, 11), /BUG/);
});
