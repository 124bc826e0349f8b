// Deterministic values for a fleet of node_exporter hosts: a pure function of
// the options and the scrape index, never of the clock (except through endMs).

import { Drive, Kind, hostTemplate } from "./fleet.ts";

/** FleetOptions fix a workload; equal options give byte-identical output. */
export interface FleetOptions {
  /** number of series; hosts are filled in order, hostTemplate.length series each */
  series: number;
  /** scrapes per series */
  samples: number;
  intervalMs: number;
  /** every timestamp is in (endMs - samples * intervalMs, endMs) */
  endMs: number;
  seed: number;
}

const DAY_MS = 86_400_000;
const DATACENTERS = ["eu-west", "us-east", "ap-south"];

/** hash32 mixes three integers into a well-spread uint32 (murmur3 finaliser). */
export function hash32(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * SeriesGenerator renders series as VictoriaMetrics JSON import lines. Each
 * series keeps its own state, so line(s, i0, i1) must be called for a series
 * with consecutive sample ranges starting at 0.
 */
export class SeriesGenerator {
  readonly o: FleetOptions;
  /** sum of the values of the last line() call */
  lastSum = 0;
  private readonly units: Float64Array;
  private readonly rng: Uint32Array;
  private readonly nextSample: Int32Array;
  private readonly startMs: number;

  constructor(o: FleetOptions) {
    this.o = o;
    this.units = new Float64Array(o.series);
    this.rng = new Uint32Array(o.series);
    this.nextSample = new Int32Array(o.series);
    this.startMs = o.endMs - o.samples * o.intervalMs;
  }

  /** metricJson returns the `metric` object of series s as JSON. */
  metricJson(s: number): string {
    const host = Math.floor(s / hostTemplate.length);
    const d = hostTemplate[s % hostTemplate.length]!;
    let j = `{"__name__":"${d.name}","instance":"host-${String(host).padStart(5, "0")}:9100","job":"node","datacenter":"${DATACENTERS[host % 3]}","env":"${host % 10 === 9 ? "staging" : "prod"}"`;
    for (const [k, v] of d.labels) j += `,"${k}":"${v}"`;
    return j + "}";
  }

  /** timestamp returns the ms timestamp of scrape i of the host of series s. */
  timestamp(s: number, i: number): number {
    const host = Math.floor(s / hostTemplate.length);
    return this.startMs + i * this.o.intervalMs + Math.floor(this.hostRand(host, 2) * this.o.intervalMs);
  }

  /** line renders samples [i0, i1) of series s as one JSON line (no newline) and sets lastSum. */
  line(s: number, i0: number, i1: number): string {
    if (s < 0 || s >= this.o.series || i0 !== this.nextSample[s] || i1 <= i0 || i1 > this.o.samples) {
      throw new Error(`BUG: line(${s}, ${i0}, ${i1}) out of order; next sample of the series is ${this.nextSample[s]}`);
    }
    const host = Math.floor(s / hostTemplate.length);
    const d = hostTemplate[s % hostTemplate.length]!;
    const util = 0.15 + 0.6 * this.hostRand(host, 0);
    const phase = 2 * Math.PI * this.hostRand(host, 1);
    const rebootAt = host % 17 === 5 ? Math.floor(this.o.samples * 0.6) + (host % 7) : -1;
    if (d.div !== 1 && d.mul !== 1) throw new Error(`BUG: ${d.name} has both mul and div`);
    if (i0 === 0) this.init(s, host, d.kind, d.a, d.b);
    let u = this.units[s]!;
    let values = "";
    let timestamps = "";
    let sum = 0;
    for (let i = i0; i < i1; i++) {
      const ts = this.timestamp(s, i);
      let load = util * (1 + 0.35 * Math.sin((2 * Math.PI * ts) / DAY_MS + phase));
      load = Math.min(0.98, Math.max(0.02, load));
      const drive = d.drive === Drive.busy ? load : d.drive === Drive.idle ? 1 - load : 1;
      switch (d.kind) {
        case Kind.constant:
          break;
        case Kind.counter: {
          if (i === rebootAt) u = 0;
          const inc = d.a * drive * (1 + d.b * (2 * this.rand(s) - 1));
          u += Math.floor(Math.max(0, inc) + this.rand(s));
          break;
        }
        case Kind.walk:
          u = Math.min(Math.floor(d.b), Math.max(Math.ceil(d.a), u + Math.round(d.c * (2 * this.rand(s) - 1))));
          break;
        case Kind.cycle:
          u = Math.max(0, Math.round(d.a + d.b * drive + d.c * (2 * this.rand(s) - 1)));
          break;
        case Kind.clock:
          u = ts;
          break;
        case Kind.jitter:
          u = d.a + Math.floor(this.rand(s) * d.b);
          break;
        default:
          throw new Error(`BUG: unknown kind ${d.kind as number}`);
      }
      // units / div is the correctly rounded decimal, so String() prints what an exporter would
      const v = d.div === 1 ? u * d.mul : u / d.div;
      sum += v;
      if (i > i0) {
        values += ",";
        timestamps += ",";
      }
      values += String(v);
      timestamps += String(ts);
    }
    this.units[s] = u;
    this.nextSample[s] = i1;
    this.lastSum = sum;
    return `{"metric":${this.metricJson(s)},"values":[${values}],"timestamps":[${timestamps}]}`;
  }

  private init(s: number, host: number, kind: Kind, a: number, b: number): void {
    this.rng[s] = hash32(this.o.seed, s, 0x5eed) || 1;
    let u = 0;
    switch (kind) {
      case Kind.constant:
        u = a + Math.floor(this.hostRand(host, 3 + (s % hostTemplate.length)) * b);
        break;
      case Kind.counter:
        // the host has been up for 3 days to a year
        u = Math.floor(a * (0.4 + 0.2 * this.rand(s)) * (20_000 + this.hostRand(host, 2_000) * 2_000_000));
        break;
      case Kind.walk:
        u = Math.round(a + (b - a) * this.rand(s));
        break;
    }
    this.units[s] = u;
  }

  private hostRand(host: number, k: number): number {
    return hash32(this.o.seed, host, k + 1_000_003) / 4294967296;
  }

  // mulberry32, one stream per series
  private rand(s: number): number {
    const a = (this.rng[s]! + 0x6d2b79f5) | 0;
    this.rng[s] = a;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
