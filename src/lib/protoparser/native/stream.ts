// Streaming /api/v1/import/native: the 16-byte time range header, then frames of
// (uint32 BE size + marshaled metric name, uint32 BE size + portable block), read
// frame by frame and handed on in batches of series.

import { counter } from "../../metrics/index.ts";
import { ImportRows } from "../vmimport/index.ts";
import { parseBlock } from "./block.ts";
import { readZigzagInt64BE } from "./header.ts";
import { parseMetricName } from "./metric_name.ts";

/** MAX_FRAME_SIZE is the largest metric name or block accepted, as VictoriaMetrics (1 MiB). */
export const MAX_FRAME_SIZE = 1024 * 1024;

const readCalls = counter(`vm_protoparser_read_calls_total{type="native"}`);
const readErrors = counter(`vm_protoparser_read_errors_total{type="native"}`);
const rowsRead = counter(`vm_protoparser_rows_read_total{type="native"}`);
const blocksRead = counter(`vm_protoparser_blocks_read_total{type="native"}`);
const parseErrors = counter(`vm_protoparser_parse_errors_total{type="native"}`);
const rowsInvalid = counter(`vm_rows_invalid_total{type="native"}`);

/** NativeStreamResult counts what parseStream read. */
export interface NativeStreamResult {
  /** blocks is the number of blocks decoded and passed on. */
  blocks: number;
  /** samples is the number of samples passed to onRows (inside the header's time range). */
  samples: number;
  /** invalidBlocks is the number of blocks reported to onError. */
  invalidBlocks: number;
}

/** ParseStreamOptions tunes parseStream. */
export interface ParseStreamOptions {
  /** batchSamples is how many samples make a batch for onRows (default 65536; a batch holds at least one block). */
  batchSamples?: number;
}

// FrameReader hands out exact byte ranges of a chunked stream.
class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private it: AsyncIterator<Uint8Array>;
  private done = false;

  constructor(src: AsyncIterable<Uint8Array>) {
    this.it = src[Symbol.asyncIterator]();
  }

  // fill reads until n bytes are buffered or the stream ends; reports whether n are there.
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.done) {
      const r = await this.it.next();
      readCalls.inc();
      if (r.done === true) {
        this.done = true;
        break;
      }
      if (r.value.length === 0) continue;
      this.chunks.push(r.value);
      this.buffered += r.value.length;
    }
    return this.buffered >= n;
  }

  /** read returns the next n bytes, or undefined when the stream ends first (having consumed nothing if it was empty). */
  async read(n: number): Promise<Uint8Array | undefined> {
    if (n === 0) return new Uint8Array(0);
    if (!(await this.fill(n))) return undefined;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length, n - off);
      out.set(c.subarray(0, take), off);
      off += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    return out;
  }

  /** atEnd reports whether nothing is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  async close(): Promise<void> {
    if (!this.done) await this.it.return?.();
  }
}

function readUint32BE(b: Uint8Array): number {
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

/**
 * parseStream reads a native-format body (already decompressed) and calls onRows with
 * batches of decoded series, each holding the samples of one block that lie within
 * the header's time range (inclusive). A block whose metric name or contents cannot be
 * decoded is skipped whole: onError gets its 1-based number and the reason, it counts
 * in vm_rows_invalid_total{type="native"}, and reading goes on with the next frame.
 * Frames are length-prefixed, so a truncated or oversized frame (over 1 MiB) cannot be
 * skipped: parseStream then throws "cannot read ...", after the blocks before it were
 * passed on. onRows must copy what it keeps: the container is reused.
 */
export async function parseStream(
  src: AsyncIterable<Uint8Array>,
  onRows: (rows: ImportRows) => void | Promise<void>,
  onError: (blockNumber: number, msg: string) => void,
  opts: ParseStreamOptions = {},
): Promise<NativeStreamResult> {
  const batchSamples = opts.batchSamples ?? 65536;
  const res: NativeStreamResult = { blocks: 0, samples: 0, invalidBlocks: 0 };
  const r = new FrameReader(src);
  const rows = new ImportRows();
  // A broken frame ends the stream; the complete blocks before it still go to onRows.
  let broken: Error | undefined;
  const fail = (msg: string): never => {
    readErrors.inc();
    broken = new Error(msg);
    throw broken;
  };
  const flush = async (): Promise<void> => {
    if (rows.lines === 0) return;
    res.samples += rows.samples;
    rowsRead.add(rows.samples);
    await onRows(rows);
    rows.reset();
  };
  try {
    const trBuf = await r.read(16);
    if (trBuf === undefined) fail("cannot read time range: unexpected end of native data; want a 16-byte header");
    const minT = readZigzagInt64BE(trBuf!, 0);
    const maxT = readZigzagInt64BE(trBuf!, 8);
    for (let blockNumber = 1; ; blockNumber++) {
      if (await r.atEnd()) break;
      const nameSize = await r.read(4);
      if (nameSize === undefined) fail(`cannot read metricName size of block ${blockNumber}: unexpected end of data`);
      const nameLen = readUint32BE(nameSize!);
      if (nameLen > MAX_FRAME_SIZE) {
        parseErrors.inc();
        fail(`too big metricName size of block ${blockNumber}; got ${nameLen}; shouldn't exceed ${MAX_FRAME_SIZE}`);
      }
      const nameBuf = await r.read(nameLen);
      if (nameBuf === undefined) fail(`cannot read metricName of block ${blockNumber} with size ${nameLen} bytes: unexpected end of data`);
      const blockSize = await r.read(4);
      if (blockSize === undefined) fail(`cannot read native block size of block ${blockNumber}: unexpected end of data`);
      const blockLen = readUint32BE(blockSize!);
      if (blockLen > MAX_FRAME_SIZE) {
        parseErrors.inc();
        fail(`too big native block size of block ${blockNumber}; got ${blockLen}; shouldn't exceed ${MAX_FRAME_SIZE}`);
      }
      const blockBuf = await r.read(blockLen);
      if (blockBuf === undefined) fail(`cannot read native block ${blockNumber} with size ${blockLen} bytes: unexpected end of data`);
      blocksRead.inc();
      let labels, block;
      try {
        labels = parseMetricName(nameBuf!);
        block = parseBlock(blockBuf!);
      } catch (e) {
        parseErrors.inc();
        rowsInvalid.inc();
        res.invalidBlocks++;
        onError(blockNumber, (e as Error).message);
        continue;
      }
      res.blocks++;
      const { timestamps, values } = block;
      rows.growSamples(rows.samples + timestamps.length);
      let k = rows.samples;
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i]!;
        if (t < minT || t > maxT) continue;
        rows.timestamps[k] = t;
        rows.values[k] = values[i]!;
        k++;
      }
      if (k === rows.samples) continue;
      rows.commitLine(labels, k - rows.samples);
      if (rows.samples >= batchSamples) await flush();
    }
    await flush();
  } catch (e) {
    if (e === broken) await flush();
    throw e;
  } finally {
    await r.close();
  }
  return res;
}
