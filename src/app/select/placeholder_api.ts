// Prometheus API endpoints that VictoriaMetrics 1.79.5 answers with fixed,
// well-formed empty data because it keeps no such data: metric metadata,
// exemplars, and (without -vmalert.proxyURL) rules and alerts. Grafana and
// other Prometheus clients call them and must not get an error.

import type * as http from "node:http";
import { sendJSON, type Request } from "../../lib/httpserver/index.ts";

/** placeholderAnswers maps a path (without the /prometheus prefix) to its fixed JSON answer, byte for byte as VictoriaMetrics 1.79.5 sends it. */
export const placeholderAnswers: ReadonlyMap<string, string> = new Map([
  // https://prometheus.io/docs/prometheus/latest/querying/api/#querying-metric-metadata
  ["/api/v1/metadata", `{"status":"success","data":{}}`],
  // https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
  ["/api/v1/query_exemplars", `{"status":"success","data":[]}`],
  // https://prometheus.io/docs/prometheus/latest/querying/api/#rules
  ["/api/v1/rules", `{"status":"success","data":{"groups":[]}}`],
  ["/rules", `{"status":"success","data":{"groups":[]}}`],
  // https://prometheus.io/docs/prometheus/latest/querying/api/#alerts
  ["/api/v1/alerts", `{"status":"success","data":{"alerts":[]}}`],
  ["/alerts", `{"status":"success","data":{"alerts":[]}}`],
]);

/** handlePlaceholder answers 200 with the fixed answer of path (a key of placeholderAnswers), whatever the args. */
export function handlePlaceholder(_req: Request, res: http.ServerResponse, path: string): void {
  const body = placeholderAnswers.get(path);
  if (body === undefined) throw new Error(`BUG: no placeholder answer for ${JSON.stringify(path)}`);
  sendJSON(res, 200, body);
}
