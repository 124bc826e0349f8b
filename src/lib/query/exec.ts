// Query execution: parse, evaluate, and shape the result as VictoriaMetrics
// 1.79.5's promql.Exec does (all-NaN series dropped, duplicates rejected,
// series sorted by name and labels unless the query sorts them itself).

import { parse, ParseError, type Expr } from "../metricsql/index.ts";
import { beginSlice, QueryError, type EvalConfig } from "./eval_config.ts";
import { evalExpr } from "./eval.ts";
import { formatMetricName, metricKey, removeEmptySeries, sortByMetricName, type Timeseries } from "./timeseries.ts";

/** parseQuery parses q, turning a syntax error into a QueryError. */
export function parseQuery(q: string): Expr {
  try {
    return parse(q);
  } catch (e) {
    if (e instanceof ParseError || e instanceof SyntaxError) throw new QueryError(`cannot parse query ${JSON.stringify(q)}: ${(e as Error).message}`);
    throw e;
  }
}

function maySortResults(e: Expr): boolean {
  if (e.kind === "func") {
    return !["sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sort_by_label_numeric", "sort_by_label_numeric_desc"].includes(e.name.toLowerCase());
  }
  if (e.kind === "aggr") {
    return ![
      "topk", "bottomk", "outliersk", "topk_max", "topk_min", "topk_avg", "topk_median", "topk_last",
      "bottomk_max", "bottomk_min", "bottomk_avg", "bottomk_median", "bottomk_last",
    ].includes(e.name);
  }
  return true;
}

/**
 * exec evaluates query q over ec. With firstPointOnly (instant queries) every
 * series keeps only its first point. Series without any non-NaN value are
 * dropped; two series with the same labels are an error. With roundDigits
 * under 100 (the `round_digits` arg), values are rounded to that many decimal
 * digits after the point.
 */
export async function exec(ec: EvalConfig, q: string, firstPointOnly: boolean, roundDigits = 100): Promise<Timeseries[]> {
  const e = parseQuery(q);
  beginSlice();
  let rv = await evalExpr(ec, e);
  if (firstPointOnly) {
    for (const ts of rv) {
      ts.values = ts.values.subarray(0, 1);
      ts.timestamps = ts.timestamps.subarray(0, 1);
    }
  }
  rv = removeEmptySeries(rv);
  const seen = new Set<string>();
  for (const ts of rv) {
    const k = metricKey(ts);
    if (seen.has(k)) throw new QueryError(`duplicate output timeseries: ${formatMetricName(ts)}`);
    seen.add(k);
  }
  if (maySortResults(e)) sortByMetricName(rv);
  if (roundDigits < 100 && roundDigits > -100) {
    const m = Math.pow(10, roundDigits);
    for (const ts of rv) {
      const vs = ts.values;
      // Go's math.Round: halves away from zero.
      for (let i = 0; i < vs.length; i++) vs[i] = (Math.sign(vs[i]!) * Math.round(Math.abs(vs[i]!) * m)) / m;
    }
  }
  return rv;
}
