// HTTP Basic Auth for every path (-httpAuth.*) and the authKey query arg for
// sensitive endpoints (-metricsAuthKey, -snapshotAuthKey, ...), as VM's
// httpserver.CheckBasicAuth and CheckAuthFlag do.
import type * as http from "node:http";
import * as crypto from "node:crypto";
import * as flags from "../flagutil/index.ts";
import { counter } from "../metrics/index.ts";
import type { Request } from "./request.ts";
import { sendText } from "./response.ts";

const httpAuthUsername = flags.string("httpAuth.username", "",
  "Username for HTTP server's Basic Auth. The authentication is disabled if empty. See also -httpAuth.password");
const httpAuthPassword = flags.string("httpAuth.password", "",
  "Password for HTTP server's Basic Auth. The authentication is disabled if -httpAuth.username is empty");

const authBasicRequestErrors = counter(`vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}`);
const authKeyRequestErrors = counter(`vm_http_request_errors_total{path="*", reason="wrong_auth_key"}`);

// safeEqual compares secrets in time independent of where they differ.
function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** parseBasicAuth returns the credentials of an `Authorization: Basic ...` header, or undefined. */
export function parseBasicAuth(header: string): { username: string; password: string } | undefined {
  if (header.length < 6 || header.slice(0, 6).toLowerCase() !== "basic ") return undefined;
  const b64 = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  const s = Buffer.from(b64, "base64").toString("utf8");
  const colon = s.indexOf(":");
  if (colon < 0) return undefined;
  return { username: s.slice(0, colon), password: s.slice(colon + 1) };
}

/**
 * checkBasicAuth returns true when -httpAuth.username is empty or the request
 * carries matching Basic Auth credentials. Otherwise it answers 401 with
 * `WWW-Authenticate: Basic realm="VictoriaMetrics"` and returns false.
 */
export function checkBasicAuth(req: Request, res: http.ServerResponse): boolean {
  const username = httpAuthUsername.value;
  if (username === "") return true;
  const creds = parseBasicAuth(req.header("authorization"));
  if (creds !== undefined) {
    if (safeEqual(creds.username, username) && safeEqual(creds.password, httpAuthPassword.value)) return true;
    authBasicRequestErrors.inc();
  }
  res.setHeader("WWW-Authenticate", 'Basic realm="VictoriaMetrics"');
  sendText(res, 401, "\n");
  return false;
}

/**
 * checkAuthKey protects an endpoint with the authKey form arg (query or
 * urlencoded POST body) when expectedKey (the value of -<flagName>) is set,
 * and falls back to checkBasicAuth when it is empty. On failure it answers
 * 401 and returns false.
 */
export async function checkAuthKey(req: Request, res: http.ServerResponse, expectedKey: string, flagName: string): Promise<boolean> {
  if (expectedKey === "") return checkBasicAuth(req, res);
  const got = (await req.formArgs()).get("authKey") ?? "";
  if (got === "") {
    authKeyRequestErrors.inc();
    sendText(res, 401, `Expected to receive non-empty authKey when -${flagName} is set\n`);
    return false;
  }
  if (!safeEqual(got, expectedKey)) {
    authKeyRequestErrors.inc();
    sendText(res, 401, `The provided authKey doesn't match -${flagName}\n`);
    return false;
  }
  return true;
}

/**
 * isProtectedByAuthKey tells whether the handler of path checks its own
 * authKey flag (and so must call checkAuthKey itself); the server then skips
 * Basic Auth for it, as VM does (https://github.com/VictoriaMetrics/VictoriaMetrics/issues/6329 ).
 */
export function isProtectedByAuthKey(path: string): boolean {
  return path.endsWith("/config") || path.endsWith("/reload") || path.endsWith("/resetRollupResultCache") ||
    path.endsWith("/delSeries") || path.endsWith("/delete_series") || path.endsWith("/force_merge") ||
    path.endsWith("/force_flush") || path.endsWith("/snapshot") || path.startsWith("/snapshot/") ||
    path.endsWith("/admin/status/metric_names_stats/reset");
}
