// Hand-run benchmark: node src/lib/protoparser/influx/influx.bench.ts
// Parses Telegraf-shaped InfluxDB lines (cpu: 10 fields, 3 tags; mem: 4 fields)
// into rows, and from a stream of 64 KiB blocks.
import { ImportRows } from "../vmimport/index.ts";
import { defaultInfluxOptions, parseLines } from "./parser.ts";
import { parseStream } from "./stream.ts";

const LINES = 50_000;

function makeText(): { text: string; samples: number } {
  const out: string[] = [];
  let samples = 0;
  const t0 = 1_700_000_000_000_000_000n;
  for (let i = 0; i < LINES; i++) {
    const ts = t0 + BigInt(i) * 10_000_000_000n;
    if (i % 2 === 0) {
      out.push(`cpu,cpu=cpu${i % 8},host=web-${i % 50}.example.com,region=eu-west-1 usage_user=${(i % 97) / 3},usage_system=${(i % 89) / 7},usage_idle=${90 - (i % 13)},usage_nice=0,usage_iowait=0.1,usage_irq=0,usage_softirq=0.05,usage_steal=0,usage_guest=0,usage_guest_nice=0 ${ts}`);
      samples += 10;
    } else {
      out.push(`mem,host=web-${i % 50}.example.com,region=eu-west-1 used=${1e9 + i}i,free=${5e8 - i}i,used_percent=${(i % 1000) / 10},available=${4e9}i ${ts}`);
      samples += 4;
    }
  }
  return { text: out.join("\n") + "\n", samples };
}

const { text, samples } = makeText();
console.log(`${LINES} lines, ${samples} samples, ${(text.length / 1e6).toFixed(1)} MB, ${(text.length / samples).toFixed(1)} bytes/sample`);

function time(name: string, fn: () => void | Promise<void>): Promise<void> {
  return (async () => {
    await fn();
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      await fn();
      best = Math.min(best, performance.now() - t0);
    }
    console.log(`${name.padEnd(40)} ${((samples / best) * 1000 / 1e6).toFixed(2).padStart(6)} M samples/s (${best.toFixed(0)} ms)`);
  })();
}

const rows = new ImportRows();
const opts = defaultInfluxOptions();
const onError = (n: number, m: string) => { throw new Error(`line ${n}: ${m}`); };
await time("parseLines (one string)", () => {
  rows.reset();
  parseLines(rows, text, 1, opts, onError);
});
const buf = Buffer.from(text);
await time("parseStream (64 KiB chunks)", async () => {
  async function* chunks() {
    for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536);
  }
  await parseStream(chunks(), { options: opts }, () => {}, onError);
});
