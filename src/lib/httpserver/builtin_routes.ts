// Paths every Tidemark server answers itself, as VM's lib/httpserver does:
// /health, /ping, /metrics, /-/healthy, /-/ready, /robots.txt.
import type * as http from "node:http";
import * as flags from "../flagutil/index.ts";
import { counter, writePrometheus } from "../metrics/index.ts";
import type { Request } from "./request.ts";
import { sendText } from "./response.ts";
import { checkAuthKey } from "./auth.ts";

const metricsAuthKey = flags.string("metricsAuthKey", "",
  "Auth key for /metrics endpoint. It must be passed via authKey query arg. It overrides -httpAuth.*");

const metricsRequests = counter(`vm_http_requests_total{path="/metrics"}`);

/** BuiltinState is what the built-in routes need to know about their server. */
export interface BuiltinState {
  /** shutdownDeadline is Date.now()-based end of -http.shutdownDelay, or 0 when not shutting down. */
  shutdownDeadline: number;
}

/**
 * handleBuiltin serves the built-in paths and returns true, or returns false
 * for any other path. /health answers 503 during -http.shutdownDelay so that
 * load balancers stop sending requests before the server goes away.
 */
export async function handleBuiltin(req: Request, res: http.ServerResponse, state: BuiltinState): Promise<boolean> {
  switch (req.path) {
    case "/health": {
      const d = state.shutdownDeadline;
      if (d <= 0) {
        sendText(res, 200, "OK");
      } else {
        const left = Math.max(d - Date.now(), 0) / 1000;
        sendText(res, 503, `The server is in delayed shutdown mode, which will end in ${left.toFixed(3)}s\n`);
      }
      return true;
    }
    case "/ping": {
      // For InfluxDB agents: https://docs.influxdata.com/influxdb/v1.7/tools/api/#ping-http-endpoint
      const verbose = (await req.formArgs()).get("verbose") === "true";
      res.writeHead(verbose ? 200 : 204);
      res.end();
      return true;
    }
    case "/metrics":
      metricsRequests.inc();
      if (!(await checkAuthKey(req, res, metricsAuthKey.value, "metricsAuthKey"))) return true;
      sendText(res, 200, writePrometheus());
      return true;
    case "/-/healthy":
      // Prometheus compatibility: https://github.com/VictoriaMetrics/VictoriaMetrics/issues/1833
      sendText(res, 200, "VictoriaMetrics is Healthy.\n");
      return true;
    case "/-/ready":
      sendText(res, 200, "VictoriaMetrics is Ready.\n");
      return true;
    case "/robots.txt":
      // Keep search engines away: https://github.com/VictoriaMetrics/VictoriaMetrics/issues/4128
      sendText(res, 200, "User-agent: *\nDisallow: /\n");
      return true;
  }
  return false;
}
