// CORS headers for browser clients (Grafana in direct mode, VMUI served from
// elsewhere), as VM's httpserver.EnableCORS sets them.
import type * as http from "node:http";
import * as flags from "../flagutil/index.ts";

const disableCORS = flags.bool("http.disableCORS", false, "Disable CORS for all origins (*)");

/**
 * enableCORS allows cross-origin requests from any origin on res, unless
 * -http.disableCORS is set. Handlers of query APIs call it before answering;
 * the server calls it for every OPTIONS (preflight) request.
 */
export function enableCORS(res: http.ServerResponse): void {
  if (disableCORS.value) return;
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Methods", "*");
  res.setHeader("Access-Control-Allow-Headers", "*");
}
