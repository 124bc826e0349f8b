// Hand-run benchmark: node src/lib/protoparser/vmimport/vmimport.bench.ts
// Parses and exports lines of 2880 samples (a day at 30 s) as VictoriaMetrics exports them.
import { ImportRows } from "./import_rows.ts";
import { parseLines } from "./parser.ts";
import { parseStream } from "./stream.ts";
import { appendExportLine, exportLineWithMetric, exportMetricObject } from "./export_line.ts";
import { formatFloat } from "./format_float.ts";

const SAMPLES = 2880;
const LINES = 100;

type Kind = "counter" | "gauge" | "random";

function makeSeries(kind: Kind, seed: number): { values: Float64Array; timestamps: Float64Array } {
  const values = new Float64Array(SAMPLES);
  const timestamps = new Float64Array(SAMPLES);
  let x = seed * 1000;
  let r = seed + 1;
  for (let i = 0; i < SAMPLES; i++) {
    r = (r * 1103515245 + 12345) & 0x7fffffff;
    timestamps[i] = 1_700_000_000_000 + i * 30_000 + (r % 7);
    if (kind === "counter") x += r % 100;
    else if (kind === "gauge") x = Math.round((r / 0x7fffffff) * 1e6) / 1e3;
    else x = (r / 0x7fffffff) * 1e3 * Math.PI;
    values[i] = x;
  }
  return { values, timestamps };
}

function time(name: string, samples: number, fn: () => void): number {
  fn(); // warm-up
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  const rate = (samples / best) * 1000;
  console.log(`${name.padEnd(52)} ${(rate / 1e6).toFixed(2).padStart(7)} M samples/s (${best.toFixed(1)} ms)`);
  return rate;
}

for (const kind of ["counter", "gauge", "random"] as Kind[]) {
  const lines: string[] = [];
  const series: Array<{ values: Float64Array; timestamps: Float64Array }> = [];
  for (let i = 0; i < LINES; i++) {
    const s = makeSeries(kind, i);
    series.push(s);
    const out: string[] = [];
    appendExportLine(out, [["__name__", "node_cpu_seconds_total"], ["cpu", String(i)], ["instance", "host-1:9100"], ["job", "node"], ["mode", "idle"]], s.timestamps, s.values, 0, SAMPLES);
    lines.push(out[0]!);
  }
  const text = lines.join("");
  const total = LINES * SAMPLES;
  console.log(`--- ${kind}: ${LINES} lines x ${SAMPLES} samples, ${(text.length / 1e6).toFixed(1)} MB, ${(text.length / total).toFixed(1)} bytes/sample`);

  const rows = new ImportRows();
  const onError = (n: number, m: string) => {
    throw new Error(`line ${n}: ${m}`);
  };
  time("parseLines (fast path)", total, () => {
    rows.reset();
    parseLines(rows, text, 1, onError);
    if (rows.samples !== total) throw new Error("BUG: wrong sample count");
  });

  // Baseline for comparison: JSON.parse per line and copying into the typed arrays. It is
  // not what we ship: it cannot read NaN / Inf / +Inf, nor tell 1e3 or 1.0 from 1000 in
  // timestamps, nor apply fastjson's first-key-wins rule.
  const tsArr = new Float64Array(total);
  const vArr = new Float64Array(total);
  time("JSON.parse + copy (baseline, not exact)", total, () => {
    let k = 0;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const o = JSON.parse(text.slice(start, nl));
      const v = o.values as number[];
      const t = o.timestamps as number[];
      for (let i = 0; i < v.length; i++) {
        vArr[k + i] = v[i]!;
        tsArr[k + i] = t[i]!;
      }
      k += v.length;
      start = nl + 1;
    }
  });

  const buf = Buffer.from(text);
  let best = Infinity;
  for (let k = 0; k < 4; k++) {
    const t0 = performance.now();
    const res = await parseStream(
      (async function* () {
        for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536);
      })(),
      {},
      () => {},
      onError,
    );
    if (res.samples !== total) throw new Error("BUG: wrong sample count");
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${"parseStream (64 KiB chunks, utf8 decode, batches)".padEnd(52)} ${((total / best) * 1000 / 1e6).toFixed(2).padStart(7)} M samples/s (${best.toFixed(1)} ms)`);

  const metric = exportMetricObject([["__name__", "node_cpu_seconds_total"], ["cpu", "0"], ["instance", "host-1:9100"], ["job", "node"], ["mode", "idle"]]);
  time("export: exportLineWithMetric", total, () => {
    let n = 0;
    for (const s of series) n += exportLineWithMetric(metric, s.timestamps, s.values, 0, SAMPLES).length;
    if (n === 0) throw new Error("BUG");
  });
  time("export: formatFloat on values only", total, () => {
    let n = 0;
    for (const s of series) for (let i = 0; i < SAMPLES; i++) n += formatFloat(s.values[i]!).length;
    if (n === 0) throw new Error("BUG");
  });
  time("export: String(v) on values (JS baseline)", total, () => {
    let n = 0;
    for (const s of series) for (let i = 0; i < SAMPLES; i++) n += String(s.values[i]!).length;
    if (n === 0) throw new Error("BUG");
  });
  time("export: line + Buffer.from(line, 'utf8')", total, () => {
    let n = 0;
    for (const s of series) n += Buffer.from(exportLineWithMetric(metric, s.timestamps, s.values, 0, SAMPLES)).length;
    if (n === 0) throw new Error("BUG");
  });
}
