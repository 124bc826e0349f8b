// Log ingestion (VictoriaLogs' vlinsert): the HTTP endpoints of every
// supported protocol and the syslog listeners, writing to a LogIngester.
import type { Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { registerRoutes as registerDatadog } from "./datadog.ts";
import { registerRoutes as registerElasticsearch } from "./elasticsearch.ts";
import { handleJsonline } from "./jsonline.ts";
import { registerRoutes as registerJournald } from "./journald.ts";
import { registerRoutes as registerLoki } from "./loki.ts";
import { registerRoutes as registerOpenTelemetry } from "./opentelemetry.ts";
export { startSyslogListeners, stopSyslogListeners, syslogPorts } from "./syslog.ts";

/**
 * registerRoutes adds the log ingestion paths to router: /insert/jsonline,
 * /insert/elasticsearch/..., /insert/loki/..., /insert/opentelemetry/v1/logs,
 * /insert/journald/upload and /insert/datadog/.... Every request commits its
 * rows to ingester before it is answered.
 */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/jsonline", (req, res) => handleJsonline(req, res, ingester), { methods: ["POST"], protocol: "jsonline" });
  registerElasticsearch(router, ingester);
  registerLoki(router, ingester);
  registerOpenTelemetry(router, ingester);
  registerJournald(router, ingester);
  registerDatadog(router, ingester);
}
