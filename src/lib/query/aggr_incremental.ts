// Incremental aggregation: sum/min/max/avg/count/group over a rollup of a
// selector (`sum(rate(m[5m])) by (job)`) folded series by series as they come
// from storage, so that memory holds one row per group instead of one per
// series (VictoriaMetrics' incrementalAggrFuncContext). Results equal the
// plain aggregation's up to the order of additions.

import type { AggrFuncExpr } from "../metricsql/index.ts";
import { removeGroupTags } from "./aggr.ts";
import { copyMetricName, metricKey, type Timeseries } from "./timeseries.ts";

type Kind = "sum" | "min" | "max" | "avg" | "count" | "group";

const kinds = new Set<string>(["sum", "min", "max", "avg", "count", "group"]);

interface Group {
  ts: Timeseries;
  acc: Float64Array;
  counts: Float64Array;
}

/** IncrementalAggr folds series into per-group accumulators. */
export interface IncrementalAggr {
  update(ts: Timeseries): void;
  finalize(): Timeseries[];
}

/** newIncrementalAggr returns an incremental aggregator for ae, or undefined when ae's function has none. */
export function newIncrementalAggr(ae: AggrFuncExpr): IncrementalAggr | undefined {
  if (!kinds.has(ae.name) || ae.args.length !== 1) return undefined;
  const kind = ae.name as Kind;
  const groups = new Map<string, Group>();
  // With no modifier or by(...), the group key is read off the series' own
  // labels: no copy of its labels per series, only per new group.
  const byLabels = ae.modifier === null || ae.modifier.op === "by" ? (ae.modifier?.args ?? []) : undefined;
  const keyOf = (src: Timeseries): string => {
    if (byLabels === undefined) {
      const ts = copyMetricName(src);
      removeGroupTags(ts, ae.modifier);
      return metricKey(ts);
    }
    let k = "";
    for (const l of byLabels) {
      const v = l === "__name__" ? src.name : (src.tags.get(l) ?? "");
      k += `${v.length}:${v}`;
    }
    return k;
  };
  return {
    update(src: Timeseries): void {
      const vs = src.values;
      let any = false;
      for (let i = 0; i < vs.length; i++) {
        if (vs[i] === vs[i]) {
          any = true;
          break;
        }
      }
      // Series without values take part in no group, as in aggrFuncExt.
      if (!any) return;
      const key = keyOf(src);
      let g = groups.get(key);
      if (g === undefined) {
        if (ae.limit > 0 && groups.size >= ae.limit) return;
        const ts = copyMetricName(src);
        removeGroupTags(ts, ae.modifier);
        const acc = new Float64Array(vs.length);
        if (kind === "min" || kind === "max") acc.fill(NaN);
        g = { ts, acc, counts: new Float64Array(vs.length) };
        groups.set(key, g);
      }
      const { acc, counts } = g;
      // One loop per kind: no switch per point.
      const n = vs.length;
      if (kind === "sum" || kind === "avg") {
        for (let i = 0; i < n; i++) {
          const v = vs[i]!;
          if (v !== v) continue;
          counts[i]!++;
          acc[i]! += v;
        }
      } else if (kind === "min") {
        for (let i = 0; i < n; i++) {
          const v = vs[i]!;
          if (v !== v) continue;
          counts[i]!++;
          if (!(acc[i]! <= v)) acc[i] = v;
        }
      } else if (kind === "max") {
        for (let i = 0; i < n; i++) {
          const v = vs[i]!;
          if (v !== v) continue;
          counts[i]!++;
          if (!(acc[i]! >= v)) acc[i] = v;
        }
      } else {
        for (let i = 0; i < n; i++) if (vs[i] === vs[i]) counts[i]!++;
      }
    },
    finalize(): Timeseries[] {
      const out: Timeseries[] = [];
      for (const g of groups.values()) {
        const { acc, counts } = g;
        const values = new Float64Array(acc.length);
        for (let i = 0; i < acc.length; i++) {
          const c = counts[i]!;
          if (c === 0) {
            values[i] = NaN;
            continue;
          }
          switch (kind) {
            case "sum":
            case "min":
            case "max":
              values[i] = acc[i]!;
              break;
            case "avg":
              values[i] = acc[i]! / c;
              break;
            case "count":
              values[i] = c;
              break;
            case "group":
              values[i] = 1;
              break;
          }
        }
        g.ts.values = values;
        out.push(g.ts);
      }
      return out;
    },
  };
}
