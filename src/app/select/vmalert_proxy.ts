// Proxying to vmalert (-vmalert.proxyURL), as VictoriaMetrics 1.79.5's
// vmselect does (app/vmselect/main.go): `/vmalert` redirects to `vmalert/`,
// `/vmalert/*` goes to vmalert, and Grafana's alerting calls
// (`/api/v1/rules`, `/rules`, `/api/v1/alerts`, `/alerts`, also under
// `/prometheus`) go there too when the flag is set. Like Go's
// httputil.ReverseProxy, the request path is sent as received (with the
// `/prometheus` prefix if any) appended to the flag's path, the flag's query
// args come before the request's, hop-by-hop headers are dropped, Host is the
// target's and X-Forwarded-For gets the client's address. Bodies stream both
// ways with back-pressure.
//
// Difference from 1.79.5: an unreachable vmalert gets 502 with a message
// naming the flag (1.79.5 answers 502 with an empty body) and is counted in
// tidemark_vmalert_proxy_errors_total.

import * as http from "node:http";
import * as https from "node:https";
import { pipeline } from "node:stream/promises";
import * as flags from "../../lib/flagutil/index.ts";
import { bodyStream, HttpError, pathPrefixValue, sendJSON, type Request } from "../../lib/httpserver/index.ts";
import * as logger from "../../lib/logger/index.ts";
import { counter } from "../../lib/metrics/index.ts";

const vmalertProxyURL = flags.string("vmalert.proxyURL", "", "Optional URL for proxying requests to vmalert. For example, if -vmalert.proxyURL=http://vmalert:8880 , then alerting API requests such as /api/v1/rules from Grafana will be proxied to http://vmalert:8880/api/v1/rules");

const proxyErrors = counter(`tidemark_vmalert_proxy_errors_total`);

/** vmalertProxiedPaths are the paths (without /prometheus) answered by vmalert when -vmalert.proxyURL is set, and by a fixed empty answer otherwise. */
export const vmalertProxiedPaths: ReadonlySet<string> = new Set(["/api/v1/rules", "/rules", "/api/v1/alerts", "/alerts"]);

/** vmalertNotConfiguredBody is VictoriaMetrics' answer (status 400) to `/vmalert/*` without -vmalert.proxyURL. */
export const vmalertNotConfiguredBody = `{"status":"error","msg":"for accessing vmalert flag '-vmalert.proxyURL' must be configured"}`;

// RFC 9110 7.6.1 hop-by-hop headers, as Go's ReverseProxy removes them.
const hopHeaders = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

let target: URL | undefined;
let targetFor = "";
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * parseVMAlertProxyURL parses a -vmalert.proxyURL value. It throws
 * "cannot parse -vmalert.proxyURL=...: got X; want Y" when the value is not
 * an http(s) URL with a host.
 */
export function parseVMAlertProxyURL(s: string): URL {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new Error(`cannot parse -vmalert.proxyURL=${JSON.stringify(s)}: got an invalid URL; want a URL such as http://vmalert:8880`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`cannot parse -vmalert.proxyURL=${JSON.stringify(s)}: got scheme ${JSON.stringify(u.protocol.slice(0, -1))}; want http or https`);
  }
  if (u.host === "") throw new Error(`cannot parse -vmalert.proxyURL=${JSON.stringify(s)}: got no host; want a URL such as http://vmalert:8880`);
  return u;
}

/**
 * initVMAlertProxy checks -vmalert.proxyURL; an invalid value stops the
 * process with a FATAL log line, as in VictoriaMetrics. Call it after the
 * flags are parsed; calling it again is harmless.
 */
export function initVMAlertProxy(): void {
  if (vmalertProxyURL.value === "") return;
  try {
    currentTarget();
  } catch (e) {
    logger.fatal((e as Error).message);
  }
}

/** vmalertProxyEnabled tells whether -vmalert.proxyURL is set. */
export function vmalertProxyEnabled(): boolean {
  return vmalertProxyURL.value !== "";
}

function currentTarget(): URL {
  if (target === undefined || targetFor !== vmalertProxyURL.value) {
    target = parseVMAlertProxyURL(vmalertProxyURL.value);
    targetFor = vmalertProxyURL.value;
  }
  return target;
}

/**
 * handleVMAlertRedirect answers `/vmalert` (and `/prometheus/vmalert`) with a
 * permanent redirect to the relative URL `vmalert/`, so that the link works
 * behind proxies that change the host or the path prefix.
 */
export function handleVMAlertRedirect(_req: Request, res: http.ServerResponse): void {
  res.setHeader("Location", "vmalert/");
  res.setHeader("Content-Length", 0);
  res.writeHead(301);
  res.end();
}

/**
 * handleVMAlertPath serves `/vmalert/*`: proxied to -vmalert.proxyURL, or
 * 400 with vmalertNotConfiguredBody when the flag is not set.
 */
export async function handleVMAlertPath(req: Request, res: http.ServerResponse): Promise<void> {
  if (!vmalertProxyEnabled()) {
    sendJSON(res, 400, vmalertNotConfiguredBody);
    return;
  }
  await proxyVMAlertRequest(req, res);
}

/**
 * joinProxyPath joins the proxy URL's path and the request path with one
 * slash between them (Go's singleJoiningSlash).
 */
export function joinProxyPath(a: string, b: string): string {
  const aSlash = a.endsWith("/"), bSlash = b.startsWith("/");
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return a + "/" + b;
  return a + b;
}

/**
 * proxyTargetPath returns the path and query to request from the proxy
 * target u for a request URI as received (still percent-encoded), with
 * -http.pathPrefix (pathPrefix, "" or "/p/") removed.
 */
export function proxyTargetPath(u: URL, requestURI: string, pathPrefix: string): string {
  let s = requestURI.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, "");
  const hash = s.indexOf("#");
  if (hash >= 0) s = s.slice(0, hash);
  const q = s.indexOf("?");
  let p = q < 0 ? s : s.slice(0, q);
  const query = q < 0 ? "" : s.slice(q + 1);
  if (pathPrefix !== "" && p.startsWith(pathPrefix)) p = p.slice(pathPrefix.length - 1);
  if (p === "") p = "/";
  const tq = u.search.startsWith("?") ? u.search.slice(1) : u.search;
  const merged = tq === "" || query === "" ? tq + query : tq + "&" + query;
  const tp = u.pathname === "/" ? "" : u.pathname;
  return (tp === "" ? p : joinProxyPath(tp, p)) + (merged === "" ? "" : "?" + merged);
}

function forwardedHeaders(raw: http.IncomingMessage, host: string): http.OutgoingHttpHeaders {
  const drop = new Set(hopHeaders);
  for (const tok of String(raw.headers["connection"] ?? "").split(",")) {
    const t = tok.trim().toLowerCase();
    if (t !== "") drop.add(t);
  }
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(raw.headers)) {
    if (v === undefined || drop.has(k)) continue;
    out[k] = v;
  }
  out["host"] = host;
  const ip = raw.socket?.remoteAddress;
  if (ip !== undefined) {
    const prior = raw.headers["x-forwarded-for"];
    out["x-forwarded-for"] = prior === undefined ? ip : `${Array.isArray(prior) ? prior.join(", ") : prior}, ${ip}`;
  }
  return out;
}

/**
 * proxyVMAlertRequest sends req to -vmalert.proxyURL (method, path, query,
 * headers and body) and streams vmalert's answer back (status, headers and
 * body). When vmalert cannot be reached or fails before answering, it throws
 * HttpError 502 naming the flag. It must be called only when the flag is set.
 */
export async function proxyVMAlertRequest(req: Request, res: http.ServerResponse): Promise<void> {
  if (!vmalertProxyEnabled()) throw new Error("BUG: proxyVMAlertRequest called without -vmalert.proxyURL");
  const u = currentTarget();
  const isHTTPS = u.protocol === "https:";
  const upstream = (isHTTPS ? https : http).request({
    protocol: u.protocol,
    hostname: u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname,
    port: u.port === "" ? (isHTTPS ? 443 : 80) : Number(u.port),
    method: req.method,
    path: proxyTargetPath(u, req.raw.url ?? "/", pathPrefixValue()),
    headers: forwardedHeaders(req.raw, u.host),
    agent: isHTTPS ? agents.https : agents.http,
    signal: req.signal,
  });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    upstream.once("response", resolve);
    upstream.once("error", reject);
  });
  // An error after the answer started is handled by the pipeline below.
  answered.catch(() => {});
  let up: http.IncomingMessage;
  try {
    for await (const chunk of bodyStream(req, { maxSize: Number.MAX_SAFE_INTEGER, decompress: false })) {
      if (!upstream.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          const onErr = (e: Error) => { upstream.off("drain", onDrain); reject(e); };
          const onDrain = () => { upstream.off("error", onErr); resolve(); };
          upstream.once("drain", onDrain);
          upstream.once("error", onErr);
        });
      }
    }
    upstream.end();
    up = await answered;
  } catch (e) {
    upstream.destroy();
    if (req.signal.aborted) throw req.signal.reason;
    if (e instanceof HttpError) throw e;
    proxyErrors.inc();
    const u2 = vmalertProxyURL.value;
    throw new HttpError(502, `cannot proxy the request to vmalert at -vmalert.proxyURL=${JSON.stringify(u2)}: ${(e as Error).message}`, { cause: e });
  }
  const headers: http.OutgoingHttpHeaders = {};
  const drop = new Set(hopHeaders);
  for (const tok of String(up.headers["connection"] ?? "").split(",")) drop.add(tok.trim().toLowerCase());
  for (const [k, v] of Object.entries(up.headers)) {
    if (v !== undefined && !drop.has(k)) headers[k] = v;
  }
  res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
  try {
    await pipeline(up, res);
  } catch (e) {
    proxyErrors.inc();
    res.destroy();
    if (req.signal.aborted) return;
    logger.warn(`cannot proxy the answer of vmalert at -vmalert.proxyURL=${JSON.stringify(vmalertProxyURL.value)} for ${JSON.stringify(req.raw.url ?? "")}: ${(e as Error).message}`);
  }
}
