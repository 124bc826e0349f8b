// Request bodies written to one file before anything is timed, so that the
// senders only read and POST.

import * as fs from "node:fs";
import { SeriesGenerator, type FleetOptions } from "./series_generator.ts";

/** Payload indexes the request bodies stored back to back in file. */
export interface Payload {
  file: string;
  fleet: FleetOptions;
  bodies: number;
  offsets: Float64Array;
  lengths: Uint32Array;
  /** samples, lines and sum of values in each body */
  samples: Uint32Array;
  lines: Uint32Array;
  sums: Float64Array;
  totalSamples: number;
  totalBytes: number;
}

/**
 * writePayload renders the fleet into file as JSON-line bodies of
 * linesPerBody lines; each line holds up to lineSamples samples of one
 * series. Lines go hour by hour (chunk of lineSamples scrapes), series by
 * series within a chunk, so every series' samples are sent in time order.
 */
export function writePayload(file: string, fleet: FleetOptions, linesPerBody: number, lineSamples: number): Payload {
  const gen = new SeriesGenerator(fleet);
  const chunks = Math.ceil(fleet.samples / lineSamples);
  const bodies = Math.ceil((chunks * fleet.series) / linesPerBody);
  const p: Payload = {
    file, fleet, bodies,
    offsets: new Float64Array(bodies), lengths: new Uint32Array(bodies),
    samples: new Uint32Array(bodies), lines: new Uint32Array(bodies), sums: new Float64Array(bodies),
    totalSamples: 0, totalBytes: 0,
  };
  const fd = fs.openSync(file, "w");
  try {
    let body: string[] = [];
    let b = 0;
    let samples = 0;
    let sum = 0;
    const flush = (): void => {
      const buf = Buffer.from(body.join(""));
      fs.writeSync(fd, buf);
      p.offsets[b] = p.totalBytes;
      p.lengths[b] = buf.length;
      p.samples[b] = samples;
      p.lines[b] = body.length;
      p.sums[b] = sum;
      p.totalBytes += buf.length;
      p.totalSamples += samples;
      b++;
      body = [];
      samples = 0;
      sum = 0;
    };
    for (let c = 0; c < chunks; c++) {
      const i0 = c * lineSamples;
      const i1 = Math.min(fleet.samples, i0 + lineSamples);
      for (let s = 0; s < fleet.series; s++) {
        body.push(gen.line(s, i0, i1) + "\n");
        samples += i1 - i0;
        sum += gen.lastSum;
        if (body.length === linesPerBody) flush();
      }
    }
    if (body.length > 0) flush();
    if (b !== bodies) throw new Error(`BUG: wrote ${b} bodies; want ${bodies}`);
  } finally {
    fs.closeSync(fd);
  }
  return p;
}

/** readBody reads body b of p through an open file handle. */
export async function readBody(fh: fs.promises.FileHandle, p: Payload, b: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(p.lengths[b]!);
  const { bytesRead } = await fh.read(buf, 0, buf.length, p.offsets[b]!);
  if (bytesRead !== buf.length) throw new Error(`cannot read body ${b} of ${p.file}: got ${bytesRead} bytes; want ${buf.length}`);
  return buf;
}
