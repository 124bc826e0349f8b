// Destinations for a part's files while it is written: memory (in-memory
// parts) or a file written through a 1 MiB buffer (file parts).

import * as fs from "node:fs";
import { fatal } from "../logger/index.ts";
import { ByteBuffer } from "./byte_buffer.ts";

/** ByteSink receives a file's bytes in order; size is the number of bytes written so far. */
export interface ByteSink {
  readonly size: number;
  write(src: Uint8Array): void;
}

/** MemorySink collects bytes in memory. */
export class MemorySink implements ByteSink {
  readonly bb = new ByteBuffer(4096);
  get size(): number {
    return this.bb.len;
  }
  write(src: Uint8Array): void {
    this.bb.append(src);
  }
}

const fileBufSize = 1 << 20;

/** FileSink writes a new file through a buffer; finish() flushes, fsyncs and closes it. I/O errors are fatal. */
export class FileSink implements ByteSink {
  readonly path: string;
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(fileBufSize);
  private bufLen = 0;
  private written = 0;

  constructor(p: string) {
    this.path = p;
    try {
      this.fd = fs.openSync(p, "w");
    } catch (e) {
      fatal(`cannot create ${p}: ${(e as Error).message}`);
    }
  }

  get size(): number {
    return this.written + this.bufLen;
  }

  write(src: Uint8Array): void {
    if (this.bufLen + src.length > fileBufSize) {
      this.flushBuf();
      if (src.length > fileBufSize) {
        this.writeAll(src);
        return;
      }
    }
    this.buf.set(src, this.bufLen);
    this.bufLen += src.length;
  }

  /** finish flushes the buffer, fsyncs and closes the file. */
  finish(): void {
    this.flushBuf();
    try {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    } catch (e) {
      fatal(`cannot fsync ${this.path}: ${(e as Error).message}`);
    }
    this.fd = -1;
  }

  private flushBuf(): void {
    if (this.bufLen === 0) return;
    this.writeAll(this.buf.subarray(0, this.bufLen));
    this.bufLen = 0;
  }

  private writeAll(b: Uint8Array): void {
    try {
      let off = 0;
      while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    } catch (e) {
      fatal(`cannot write ${this.path}: ${(e as Error).message}`);
    }
    this.written += b.length;
  }
}
