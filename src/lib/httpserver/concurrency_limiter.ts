// ConcurrencyLimiter: at most N requests in work at once, the rest waiting in
// FIFO order for a bounded time (-maxConcurrentInserts, -search.maxConcurrentRequests).

/**
 * ConcurrencyLimiter hands out up to capacity slots; acquire waits in FIFO
 * order for a free slot up to a given time.
 */
export class ConcurrencyLimiter {
  readonly capacity: number;
  current = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new Error(`BUG: capacity must be at least 1; got ${capacity}`);
    this.capacity = capacity;
  }

  /** tryAcquire takes a slot when one is free at once. */
  tryAcquire(): boolean {
    if (this.current >= this.capacity) return false;
    this.current++;
    return true;
  }

  /** acquire resolves true once a slot is taken, or false after waitMs without one. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, Math.max(0, waitMs));
      this.waiters.push(wake);
    });
  }

  /** release frees a slot, handing it straight to the oldest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) {
      next();
      return;
    }
    if (this.current <= 0) throw new Error("BUG: release() without a slot");
    this.current--;
  }
}
