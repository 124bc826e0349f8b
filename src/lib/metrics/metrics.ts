// The process's own metrics, exposed at /metrics in the Prometheus text
// format. Counters are declared at the top of the module that updates them:
//   const rowsInserted = counter(`vm_rows_inserted_total{type="vmimport"}`);

/** Counter is a monotonically increasing number. */
export interface Counter { inc(): void; add(n: number): void; get(): number; }

type Entry = { name: string; kind: "counter" | "gauge"; get: () => number };
const entries = new Map<string, Entry>();

function baseName(full: string): string {
  const i = full.indexOf("{");
  return i < 0 ? full : full.slice(0, i);
}

/** counter returns the counter with this full name (`name{labels}`), creating it once. */
export function counter(fullName: string): Counter {
  const e = entries.get(fullName);
  if (e !== undefined) return (e as unknown as { c: Counter }).c;
  let v = 0;
  const c: Counter = { inc() { v++; }, add(n: number) { v += n; }, get() { return v; } };
  const ent = { name: fullName, kind: "counter" as const, get: () => v, c };
  entries.set(fullName, ent);
  return c;
}

/** gauge registers a callback read at scrape time. A second registration replaces the first. */
export function gauge(fullName: string, get: () => number): void {
  entries.set(fullName, { name: fullName, kind: "gauge", get });
}

/** unregister removes a metric (for example when a component stops). */
export function unregister(fullName: string): void {
  entries.delete(fullName);
}

/** writePrometheus renders every metric in the Prometheus text exposition format, grouped by name. */
export function writePrometheus(): string {
  const byBase = new Map<string, Entry[]>();
  for (const e of entries.values()) {
    const b = baseName(e.name);
    let list = byBase.get(b);
    if (list === undefined) { list = []; byBase.set(b, list); }
    list.push(e);
  }
  const out: string[] = [];
  for (const b of [...byBase.keys()].sort()) {
    const list = byBase.get(b)!;
    out.push(`# TYPE ${b} ${list[0]!.kind}`);
    list.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const e of list) {
      let v: number;
      try { v = e.get(); } catch { continue; }
      out.push(`${e.name} ${formatValue(v)}`);
    }
  }
  return out.join("\n") + "\n";
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
