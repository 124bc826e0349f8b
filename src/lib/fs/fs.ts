// File-system mechanisms that the storage engines build on. Functions named
// must* treat an I/O failure as unrecoverable: they log FATAL and exit, so
// that nothing runs on over a half-written part.

import * as fs from "node:fs";
import * as path from "node:path";
import { fatal } from "../logger/index.ts";

/** mustFsyncPath fsyncs a file or a directory. */
export function mustFsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, "r");
    fs.fsyncSync(fd);
  } catch (e) {
    fatal(`cannot fsync ${p}: ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** mustWriteSync writes data to a new file at p and fsyncs it (no rename). */
export function mustWriteSync(p: string, data: Uint8Array | string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, "w");
    let buf = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
  } catch (e) {
    fatal(`cannot write ${p}: ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * mustWriteAtomic replaces the file at p with data so that a reader or a crash
 * sees either the old or the new contents: write a temp file, fsync, rename,
 * fsync the directory.
 */
export function mustWriteAtomic(p: string, data: Uint8Array | string): void {
  const tmp = `${p}.tmp.${process.pid}`;
  mustWriteSync(tmp, data);
  try {
    fs.renameSync(tmp, p);
  } catch (e) {
    fatal(`cannot rename ${tmp} to ${p}: ${(e as Error).message}`);
  }
  mustFsyncPath(path.dirname(p));
}

/** mustMkdirAll creates a directory with its parents. */
export function mustMkdirAll(p: string): void {
  try {
    fs.mkdirSync(p, { recursive: true });
  } catch (e) {
    fatal(`cannot create directory ${p}: ${(e as Error).message}`);
  }
}

/** mustRemoveAll removes a file or directory tree; missing is fine. */
export function mustRemoveAll(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch (e) {
    fatal(`cannot remove ${p}: ${(e as Error).message}`);
  }
}

/** mustRename renames src to dst and fsyncs dst's parent directory. */
export function mustRename(src: string, dst: string): void {
  try {
    fs.renameSync(src, dst);
  } catch (e) {
    fatal(`cannot rename ${src} to ${dst}: ${(e as Error).message}`);
  }
  mustFsyncPath(path.dirname(dst));
}

/** mustHardLinkDir hard-links every file of srcDir (recursively) into dstDir, which must not exist. */
export function mustHardLinkDir(srcDir: string, dstDir: string): void {
  mustMkdirAll(dstDir);
  for (const ent of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const s = path.join(srcDir, ent.name);
    const d = path.join(dstDir, ent.name);
    if (ent.isDirectory()) {
      mustHardLinkDir(s, d);
    } else {
      try {
        fs.linkSync(s, d);
      } catch (e) {
        fatal(`cannot hard-link ${s} to ${d}: ${(e as Error).message}`);
      }
    }
  }
  mustFsyncPath(dstDir);
}

/** isTempName reports whether a directory entry is a leftover temp file or dir of ours. */
export function isTempName(name: string): boolean {
  return name.endsWith(".tmp") || name.includes(".tmp.");
}

/** dirSize returns the apparent size of every file under p. */
export function dirSize(p: string): number {
  let n = 0;
  let ents: fs.Dirent[];
  try {
    ents = fs.readdirSync(p, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const ent of ents) {
    const q = path.join(p, ent.name);
    if (ent.isDirectory()) n += dirSize(q);
    else if (ent.isFile()) {
      try { n += fs.statSync(q).size; } catch { /* removed meanwhile */ }
    }
  }
  return n;
}

/** ReaderAt reads byte ranges of an open file; close() releases it. */
export class ReaderAt {
  readonly path: string;
  private fd: number;
  readonly size: number;
  constructor(p: string) {
    this.path = p;
    try {
      this.fd = fs.openSync(p, "r");
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      fatal(`cannot open ${p}: ${(e as Error).message}`);
    }
  }
  /** mustReadAt returns `size` bytes at `offset`. */
  mustReadAt(offset: number, size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    try {
      while (got < size) {
        const n = fs.readSync(this.fd, buf, got, size - got, offset + got);
        if (n === 0) break;
        got += n;
      }
    } catch (e) {
      fatal(`cannot read ${size} bytes at offset ${offset} from ${this.path}: ${(e as Error).message}`);
    }
    if (got !== size) fatal(`cannot read ${size} bytes at offset ${offset} from ${this.path}: file is too short (${this.size} bytes)`);
    return buf;
  }
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
