// Statistics of recent queries for /api/v1/status/top_queries, as
// VictoriaMetrics 1.79.5 keeps them (app/vmselect/querystats): a ring of the
// last N queries that took at least a minimum duration, grouped by query text
// and time range on demand.

interface Record {
  query: string;
  timeRangeSecs: number;
  registerTime: number;
  durationMs: number;
}

interface Agg {
  query: string;
  timeRangeSecs: number;
  count: number;
  sumMs: number;
}

/** formatGoDuration formats ms like Go's time.Duration.String(): "10m0s", "1.5s", "250ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let x = Math.abs(ms);
  let out: string;
  if (x < 1000) {
    out = `${trimFloat(x)}ms`;
  } else {
    const h = Math.floor(x / 3_600_000);
    x -= h * 3_600_000;
    const m = Math.floor(x / 60_000);
    x -= m * 60_000;
    out = (h > 0 ? `${h}h` : "") + (h > 0 || m > 0 ? `${m}m` : "") + `${trimFloat(x / 1000)}s`;
  }
  return neg ? "-" + out : out;
}

function trimFloat(v: number): string {
  return String(Math.round(v * 1e6) / 1e6);
}

/** QueryStats remembers the last `capacity` queries that lasted at least minDurationMs. */
export class QueryStats {
  private readonly ring: Array<Record | undefined>;
  private next = 0;
  readonly minDurationMs: number;

  constructor(capacity: number, minDurationMs: number) {
    this.ring = new Array(Math.max(1, capacity));
    this.minDurationMs = minDurationMs;
  }

  /** register records a query over timeRangeMs (end - start) that took durationMs, finished at now. */
  register(query: string, timeRangeMs: number, durationMs: number, now = Date.now()): void {
    if (durationMs < this.minDurationMs) return;
    this.ring[this.next] = { query, timeRangeSecs: Math.trunc(timeRangeMs / 1000), registerTime: now, durationMs };
    this.next = (this.next + 1) % this.ring.length;
  }

  private aggregate(maxLifetimeMs: number, now: number): Agg[] {
    const m = new Map<string, Agg>();
    for (const r of this.ring) {
      if (r === undefined || r.query === "" || now - r.registerTime > maxLifetimeMs) continue;
      const k = `${r.timeRangeSecs}\x00${r.query}`;
      let a = m.get(k);
      if (a === undefined) m.set(k, (a = { query: r.query, timeRangeSecs: r.timeRangeSecs, count: 0, sumMs: 0 }));
      a.count++;
      a.sumMs += r.durationMs;
    }
    return [...m.values()];
  }

  /** toJSON returns the top_queries answer: the topN queries by count, by average and by total duration. */
  toJSON(topN: number, maxLifetimeMs: number, lastQueriesCount: number, now = Date.now()): string {
    const aggs = this.aggregate(maxLifetimeMs, now);
    const top = (cmp: (a: Agg, b: Agg) => number) => [...aggs].sort(cmp).slice(0, Math.max(0, topN));
    const q = (a: Agg) => `"query":${JSON.stringify(a.query)},"timeRangeSeconds":${a.timeRangeSecs}`;
    const byCount = top((a, b) => b.count - a.count).map((a) => `{${q(a)},"count":${a.count}}`);
    const byAvg = top((a, b) => b.sumMs / b.count - a.sumMs / a.count).map((a) => `{${q(a)},"avgDurationSeconds":${(a.sumMs / a.count / 1000).toFixed(3)},"count":${a.count}}`);
    const bySum = top((a, b) => b.sumMs - a.sumMs).map((a) => `{${q(a)},"sumDurationSeconds":${(a.sumMs / 1000).toFixed(3)},"count":${a.count}}`);
    return (
      `{"topN":"${topN}","maxLifetime":${JSON.stringify(formatGoDuration(maxLifetimeMs))},` +
      `"search.queryStats.lastQueriesCount":${lastQueriesCount},` +
      `"search.queryStats.minQueryDuration":${JSON.stringify(formatGoDuration(this.minDurationMs))},` +
      `"topByCount":[${byCount.join(",")}],"topByAvgDuration":[${byAvg.join(",")}],"topBySumDuration":[${bySum.join(",")}]}`
    );
  }
}
