// The select role: query endpoints.

import { HttpError, type Router } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleExport } from "./export.ts";
import { handleExportCSV } from "./export_csv.ts";
import { handleExportNative } from "./export_native.ts";
import { handleLabelValues, handleLabels, handleSeries, handleTSDBStatus } from "./prometheus_api.ts";
import { handleActiveQueries, handleBuildInfo, handleExpandWithExprs, handlePrettifyQuery, handleQuery, handleQueryRange, handleTopQueries } from "./query_api.ts";

/** registerRoutes adds the query paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/export", "/prometheus/api/v1/export"]) {
    router.add(p, (req, res) => handleExport(req, res, storage), { metricPath: "/api/v1/export" });
  }
  for (const p of ["/api/v1/export/csv", "/prometheus/api/v1/export/csv"]) {
    router.add(p, (req, res) => handleExportCSV(req, res, storage), { metricPath: "/api/v1/export/csv" });
  }
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
    router.add(prefix + "/api/v1/label/*", async (req, res) => {
      const rest = req.path.slice(prefix.length + "/api/v1/label/".length);
      const m = /^(.+)\/values$/.exec(rest);
      if (m === null) throw new HttpError(400, `unsupported path requested: ${JSON.stringify(req.path)}`);
      await handleLabelValues(req, res, storage, m[1]!);
    }, { metricPath: "/api/v1/label/{}/values" });
  }
}
