// The select role: query endpoints.

import type { Router } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleExport } from "./export.ts";

/** registerRoutes adds the query paths to router. */
export function registerRoutes(router: Router, storage: Storage): void {
  for (const p of ["/api/v1/export", "/prometheus/api/v1/export"]) {
    router.add(p, (req, res) => handleExport(req, res, storage), { metricPath: "/api/v1/export" });
  }
}
