// Hand-run benchmark: node src/lib/protoparser/influx/influx.bench.ts [filter]
// Telegraf-shaped requests (cpu, mem, disk, net; 2,000 lines each, the same
// series request after request) and the bench's fleet requests (bench/protocols.ts:
// one `value` field per line, 4,000 series x 2,000 per request), parsed alone
// and parsed + stored the way the /write handler does it. Prints ns per sample
// (best of several rounds). A filter argument runs only the cases whose name has it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildBodies, fleetSamples } from "../../../../bench/protocols.ts";
import { Storage } from "../../storage/index.ts";
import { ImportRows } from "../vmimport/index.ts";
import { defaultInfluxOptions, parseLines } from "./parser.ts";
import { parseStream } from "./stream.ts";

const filter = process.argv[2] ?? "";
const LINES_PER_REQUEST = 2_000;
const REQUESTS = 20;

// telegrafBodies renders REQUESTS requests of LINES_PER_REQUEST lines, 10 s apart.
function telegrafBodies(): { bodies: Buffer[]; samples: number } {
  const bodies: Buffer[] = [];
  let samples = 0;
  const t0 = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  for (let r = 0; r < REQUESTS; r++) {
    const ts = t0 + BigInt(r) * 10_000_000_000n;
    let text = "";
    for (let i = 0; i < LINES_PER_REQUEST; i++) {
      const host = `host=web-${Math.floor(i / 40)}.example.com,region=eu-west-1`;
      const v = (i * 7 + r * 13) % 1000;
      switch (i % 4) {
        case 0:
          text += `cpu,cpu=cpu${(i >> 2) % 10},${host} usage_user=${v / 3},usage_system=${v / 7},usage_idle=${90 - (v % 13)},usage_nice=0,usage_iowait=0.1,usage_irq=0,usage_softirq=0.05,usage_steal=0,usage_guest=0,usage_guest_nice=0 ${ts}\n`;
          samples += 10;
          break;
        case 1:
          text += `mem,${host} used=${1e9 + v * 4096}i,free=${5e8 - v * 4096}i,used_percent=${v / 10},available=${4e9}i,cached=${2e8 + v}i,buffered=${3e7 + v}i ${ts}\n`;
          samples += 6;
          break;
        case 2:
          text += `disk,device=sda${(i >> 2) % 10},fstype=ext4,${host},mode=rw,path=/data${(i >> 2) % 10} free=${3e11 - v}i,inodes_free=${1e7 - v}i,inodes_total=20000000i,inodes_used=${v}i,total=500000000000i,used=${2e11 + v}i,used_percent=${v / 11} ${ts}\n`;
          samples += 7;
          break;
        default:
          text += `net,interface=eth${(i >> 2) % 10},${host} bytes_recv=${1e12 + r * 1e6 + v}i,bytes_sent=${5e11 + r * 1e6 + v}i,drop_in=0i,drop_out=0i,err_in=0i,err_out=0i,packets_recv=${1e9 + r * 1e3 + v}i,packets_sent=${9e8 + r * 1e3 + v}i ${ts}\n`;
          samples += 8;
      }
    }
    bodies.push(Buffer.from(text));
  }
  return { bodies, samples };
}

function fleetBodies(): { bodies: Buffer[]; samples: number } {
  const fleet = fleetSamples({ series: 4000, samples: 10, intervalMs: 15_000, endMs: Math.floor(Date.now() / 60_000) * 60_000, seed: 1 });
  const b = buildBodies(fleet, "influx", LINES_PER_REQUEST);
  return { bodies: b.bodies, samples: b.samples };
}

async function* chunks(buf: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536);
}

const onError = (n: number, m: string): void => {
  throw new Error(`line ${n}: ${m}`);
};

async function run(name: string, bodies: Buffer[], samples: number, round: () => Promise<void>): Promise<void> {
  if (!name.includes(filter)) return;
  await round(); // warm-up: the series are then known, as for a live agent
  const ns: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    await round();
    ns.push(Number(process.hrtime.bigint() - t0) / samples);
  }
  ns.sort((a, b) => a - b);
  const mb = bodies.reduce((a, b) => a + b.length, 0) / 1e6;
  console.log(`${name.padEnd(44)} ${ns[0]!.toFixed(0).padStart(6)} ns/sample (median ${ns[2]!.toFixed(0)}; ${samples} samples, ${mb.toFixed(1)} MB)`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "influx-bench-"));
const storage = Storage.open(dir, { retentionMs: 30 * 86_400_000 });
try {
  for (const [label, make] of [["telegraf", telegrafBodies], ["fleet", fleetBodies]] as const) {
    const { bodies, samples } = make();
    const opts = defaultInfluxOptions();
    opts.precision = label === "fleet" ? 1 : 0;
    const rows = new ImportRows();
    await run(`${label}: parseLines (one string per request)`, bodies, samples, async () => {
      for (const b of bodies) {
        rows.reset();
        parseLines(rows, b.toString("utf8"), 1, opts, onError);
      }
    });
    await run(`${label}: parseStream (64 KiB chunks)`, bodies, samples, async () => {
      for (const b of bodies) await parseStream(chunks(b), { options: opts }, () => {}, onError);
    });
    await run(`${label}: parseStream + storage.addRows`, bodies, samples, async () => {
      for (const b of bodies) await parseStream(chunks(b), { options: opts }, (r) => { storage.addRows(r); }, onError);
    });
  }
} finally {
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
