// A lock on a data directory so that two processes never write to the same
// storage. Node has no flock(2); we use an exclusive-create lock file holding
// the owner's PID, and take it over only when that PID is no longer alive
// (kill -9 leaves the file behind).

import * as fs from "node:fs";
import * as path from "node:path";

/** DirLockError means another live process holds the directory. */
export class DirLockError extends Error {
  override name = "DirLockError";
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * lockDir takes the lock file `flock.lock` in dir and returns a release
 * function. Throws DirLockError when a live process holds it.
 */
export function lockDir(dir: string): () => void {
  const p = path.join(dir, "flock.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(p, "wx");
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(p, "utf8").trim() === String(process.pid)) fs.unlinkSync(p);
        } catch { /* already gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(fs.readFileSync(p, "utf8").trim(), 10);
    } catch { /* vanished meanwhile: retry */ }
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new DirLockError(`cannot lock ${dir}: it is in use by another process (pid ${owner}); only one process may use a data directory`);
    }
    // A stale lock left by a crashed process: remove it and retry.
    try { fs.unlinkSync(p); } catch { /* raced with another remover */ }
  }
  throw new DirLockError(`cannot lock ${dir}: the lock file ${p} keeps changing`);
}
