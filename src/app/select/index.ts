// The select role: query endpoints.

import { HttpError, type RouteHandler, type RouteOptions, type Router } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { initConcurrencyLimit, limitConcurrency } from "./concurrency_limit.ts";
export { limitConcurrency } from "./concurrency_limit.ts";
import { handleExport } from "./export.ts";
import { handleExportCSV } from "./export_csv.ts";
import { handleExportNative } from "./export_native.ts";
import { handleFederate } from "./federate.ts";
import { handlePlaceholder, placeholderAnswers } from "./placeholder_api.ts";
import { handleLabelValues, handleLabels, handleSeries, handleTSDBStatus } from "./prometheus_api.ts";
import { logSlowQueries } from "./slow_query_log.ts";
import { handleVMAlertPath, handleVMAlertRedirect, initVMAlertProxy, proxyVMAlertRequest, vmalertProxiedPaths, vmalertProxyEnabled } from "./vmalert_proxy.ts";
import { handleActiveQueries, handleBuildInfo, handleExpandWithExprs, handlePrettifyQuery, handleQuery, handleQueryRange, handleTopQueries, resetRollupResultCache } from "./query_api.ts";

/**
 * registerRoutes adds the query paths to router. Every one of them runs under
 * -search.maxConcurrentRequests (queueing up to -search.maxQueueDuration) and
 * is logged when slower than -search.logSlowQueryDuration, as every vmselect
 * path is in VictoriaMetrics.
 */
export function registerRoutes(outer: Router, storage: Storage): void {
  initConcurrencyLimit();
  initVMAlertProxy();
  const router = {
    add(path: string, h: RouteHandler, opts?: RouteOptions): void {
      outer.add(path, limitConcurrency(logSlowQueries(h)), opts);
    },
  };
  for (const p of ["/api/v1/export", "/prometheus/api/v1/export"]) {
    router.add(p, (req, res) => handleExport(req, res, storage), { metricPath: "/api/v1/export" });
  }
  for (const p of ["/api/v1/export/csv", "/prometheus/api/v1/export/csv"]) {
    router.add(p, (req, res) => handleExportCSV(req, res, storage), { metricPath: "/api/v1/export/csv" });
  }
  outer.add("/internal/resetRollupResultCache", (_req, res) => {
    resetRollupResultCache();
    res.end();
  });
  for (const p of ["/api/v1/export/native", "/prometheus/api/v1/export/native"]) {
    router.add(p, (req, res) => handleExportNative(req, res, storage), { metricPath: "/api/v1/export/native" });
  }
  for (const prefix of ["", "/prometheus"]) {
    router.add(prefix + "/api/v1/query", (req, res) => handleQuery(req, res, storage), { metricPath: "/api/v1/query" });
    router.add(prefix + "/api/v1/query_range", (req, res) => handleQueryRange(req, res, storage), { metricPath: "/api/v1/query_range" });
    router.add(prefix + "/api/v1/status/active_queries", (req, res) => handleActiveQueries(req, res), { metricPath: "/api/v1/status/active_queries" });
    router.add(prefix + "/api/v1/status/top_queries", (req, res) => handleTopQueries(req, res), { metricPath: "/api/v1/status/top_queries" });
    router.add(prefix + "/api/v1/status/buildinfo", (req, res) => handleBuildInfo(req, res), { metricPath: "/api/v1/status/buildinfo" });
    router.add(prefix + "/expand-with-exprs", (req, res) => handleExpandWithExprs(req, res), { metricPath: "/expand-with-exprs" });
    router.add(prefix + "/prettify-query", (req, res) => handlePrettifyQuery(req, res), { metricPath: "/prettify-query" });
    router.add(prefix + "/api/v1/series", (req, res) => handleSeries(req, res, storage), { metricPath: "/api/v1/series" });
    router.add(prefix + "/api/v1/labels", (req, res) => handleLabels(req, res, storage), { metricPath: "/api/v1/labels" });
    router.add(prefix + "/api/v1/status/tsdb", (req, res) => handleTSDBStatus(req, res, storage), { metricPath: "/api/v1/status/tsdb" });
    router.add(prefix + "/federate", (req, res) => handleFederate(req, res, storage), { metricPath: "/federate" });
    for (const p of placeholderAnswers.keys()) {
      const proxied = vmalertProxiedPaths.has(p);
      router.add(prefix + p, (req, res) => (proxied && vmalertProxyEnabled() ? proxyVMAlertRequest(req, res) : handlePlaceholder(req, res, p)), { metricPath: p });
    }
    router.add(prefix + "/vmalert", (req, res) => handleVMAlertRedirect(req, res), { metricPath: "/vmalert" });
    router.add(prefix + "/vmalert/*", (req, res) => handleVMAlertPath(req, res), { metricPath: "/vmalert" });
    router.add(prefix + "/api/v1/label/*", async (req, res) => {
      const rest = req.path.slice(prefix.length + "/api/v1/label/".length);
      const m = /^(.+)\/values$/.exec(rest);
      if (m === null) throw new HttpError(400, `unsupported path requested: ${JSON.stringify(req.path)}`);
      await handleLabelValues(req, res, storage, m[1]!);
    }, { metricPath: "/api/v1/label/{}/values" });
  }
}
