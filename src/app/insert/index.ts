// The insert role: ingestion endpoints.

import type { Router } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleImport } from "./vmimport.ts";
import { registerRoutes as registerRemoteWriteRoutes } from "./promremotewrite.ts";
import { registerRoutes as registerPrometheusImportRoutes } from "./prometheus_import.ts";
import { registerRoutes as registerInfluxRoutes } from "./influx.ts";
import { registerRoutes as registerOpenTelemetryRoutes } from "./opentelemetry.ts";
import { registerRoutes as registerCSVImportRoutes } from "./csvimport.ts";
import { registerRoutes as registerDatadogRoutes } from "./datadog.ts";
import { registerRoutes as registerNewRelicRoutes } from "./newrelic.ts";
import { registerRoutes as registerNativeImportRoutes } from "./native.ts";
import { limitedRouter } from "./concurrency_limiter.ts";
import { registerReloadRoutes, relabelingStorage } from "./relabel.ts";
export { relabelingStorage } from "./relabel.ts";
export { start as startInfluxListeners, stop as stopInfluxListeners } from "./influx.ts";
export { start as startGraphiteListeners, stop as stopGraphiteListeners } from "./graphite.ts";
export { start as startOpentsdbListeners, stop as stopOpentsdbListeners } from "./opentsdb.ts";

/** registerRoutes adds the ingestion paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  // -relabelConfig / -usePromCompatibleNaming on every batch, -maxConcurrentInserts on every ingestion path.
  storage = relabelingStorage(storage);
  router = limitedRouter(router);
  registerReloadRoutes(router);
  for (const p of ["/api/v1/import", "/prometheus/api/v1/import"]) {
    router.add(p, (req, res) => handleImport(req, res, storage), { metricPath: "/api/v1/import", protocol: "vmimport" });
  }
  registerRemoteWriteRoutes(router, storage);
  registerPrometheusImportRoutes(router, storage);
  registerInfluxRoutes(router, storage);
  registerOpenTelemetryRoutes(router, storage);
  registerCSVImportRoutes(router, storage);
  registerDatadogRoutes(router, storage);
  registerNewRelicRoutes(router, storage);
  registerNativeImportRoutes(router, storage);
}
