// The insert role: ingestion endpoints.

import type { Router } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleImport } from "./vmimport.ts";

/** registerRoutes adds the ingestion paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/import", "/prometheus/api/v1/import"]) {
    router.add(p, (req, res) => handleImport(req, res, storage), { metricPath: "/api/v1/import", protocol: "vmimport" });
  }
}
