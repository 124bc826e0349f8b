// Request wraps node:http's IncomingMessage with what VM handlers read from
// Go's *http.Request: the decoded URL path, query args, form args merged with
// an urlencoded POST body (r.FormValue), headers, the client address, and a
// cancellation signal.
import type * as http from "node:http";
import { readBody } from "./body.ts";

/** maxFormBodySize is the limit of an urlencoded POST body, as in Go's ParseForm (10 MB). */
const maxFormBodySize = 10 << 20;

/** RequestTarget is the request URI split into its decoded path and raw query. */
export interface RequestTarget {
  /** path is the percent-decoded URL path ("/api/v1/query"). */
  path: string;
  /** rawQuery is the query string without the leading "?". */
  rawQuery: string;
  /** error is set when the URI cannot be parsed; path is then the raw path. */
  error?: string;
}

/**
 * parseRequestTarget splits a request URI (origin form `/p?q`, or absolute
 * form `http://h/p?q` as sent to proxies) into its percent-decoded path and
 * raw query, like Go's url.ParseRequestURI. It never throws: invalid
 * percent-encoding is reported in `error`. Dot segments are left as is.
 */
export function parseRequestTarget(uri: string): RequestTarget {
  let s = uri;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(s);
  if (m !== null) s = s.slice(m[0].length) || "/";
  const hash = s.indexOf("#");
  if (hash >= 0) s = s.slice(0, hash);
  const q = s.indexOf("?");
  const rawPath = q < 0 ? s : s.slice(0, q);
  const rawQuery = q < 0 ? "" : s.slice(q + 1);
  const path = unescapePath(rawPath);
  if (path === undefined) {
    return { path: rawPath, rawQuery, error: `cannot parse request URI ${JSON.stringify(uri)}: got invalid percent-encoding in the path; want %XX with hex digits X` };
  }
  return { path, rawQuery };
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

// unescapePath decodes %XX sequences; '+' stays '+', as in Go's URL.Path.
// Decoded bytes that are not valid UTF-8 become U+FFFD.
function unescapePath(s: string): string | undefined {
  if (!s.includes("%")) return s;
  const src = Buffer.from(s, "utf8");
  const dst = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 37) { dst[n++] = c; continue; }
    if (i + 2 >= src.length) return undefined;
    const hi = hexVal(src[i + 1]!), lo = hexVal(src[i + 2]!);
    if (hi < 0 || lo < 0) return undefined;
    dst[n++] = (hi << 4) | lo;
    i += 2;
  }
  return dst.toString("utf8", 0, n);
}

/** BodyState tracks how far the request body has been read (maintained by body.ts). */
export type BodyState = "unread" | "reading" | "done" | "abandoned";

/**
 * Request is the handler's view of an incoming HTTP request. `path` is the
 * decoded URL path with -http.pathPrefix already removed; `query` holds the
 * URL query args; `formArgs()` adds the args of an urlencoded POST body.
 * `signal` is aborted when the client disconnects before the response is
 * complete, or when the server cancels in-flight requests at shutdown.
 */
export class Request {
  /** raw is the underlying node:http request; its body is read via readBody/bodyStream. */
  readonly raw: http.IncomingMessage;
  /** method is the HTTP method in upper case. */
  readonly method: string;
  /** path is the decoded URL path, with -http.pathPrefix removed by the server. */
  path: string;
  /** query holds the URL query args. */
  readonly query: URLSearchParams;
  /** signal is aborted when the client goes away or the server shuts down. */
  readonly signal: AbortSignal;
  /** startTime is Date.now() when the request arrived. */
  readonly startTime: number;
  /** bodyState is maintained by readBody/bodyStream; the server uses it to decide keep-alive. */
  bodyState: BodyState = "unread";
  private postForm: URLSearchParams | undefined;
  private formPromise: Promise<URLSearchParams> | undefined;

  constructor(raw: http.IncomingMessage, signal?: AbortSignal, target?: RequestTarget) {
    this.raw = raw;
    this.method = (raw.method ?? "GET").toUpperCase();
    const t = target ?? parseRequestTarget(raw.url ?? "/");
    this.path = t.path;
    this.query = new URLSearchParams(t.rawQuery);
    this.signal = signal ?? new AbortController().signal;
    this.startTime = Date.now();
  }

  /** header returns the value of the named request header, or "" when absent (Go's Header.Get). */
  header(name: string): string {
    const v = this.raw.headers[name.toLowerCase()];
    if (v === undefined) return "";
    return Array.isArray(v) ? (v[0] ?? "") : v;
  }

  /**
   * formArgs returns the request's form args as Go's r.Form: the args of an
   * `application/x-www-form-urlencoded` POST/PUT/PATCH body first, then the URL
   * query args, so `get(name)` prefers the body like r.FormValue. The body is
   * read once (at most 10 MB, else HttpError 413); later calls return the same
   * object.
   */
  formArgs(): Promise<URLSearchParams> {
    this.formPromise ??= this.readForm();
    return this.formPromise;
  }

  private async readForm(): Promise<URLSearchParams> {
    const merged = new URLSearchParams();
    const ct = this.header("content-type").split(";")[0]!.trim().toLowerCase();
    if ((this.method === "POST" || this.method === "PUT" || this.method === "PATCH") && ct === "application/x-www-form-urlencoded") {
      const body = await readBody(this, { maxSize: maxFormBodySize, decompress: false });
      this.postForm = new URLSearchParams(body.toString("utf8"));
      for (const [k, v] of this.postForm) merged.append(k, v);
    }
    for (const [k, v] of this.query) merged.append(k, v);
    return merged;
  }

  /** remoteAddr is the client's address as `ip:port` (`[ip6]:port` for IPv6), like Go's r.RemoteAddr. */
  get remoteAddr(): string {
    const s = this.raw.socket;
    const ip = s?.remoteAddress ?? "";
    const port = s?.remotePort ?? 0;
    return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
  }

  /**
   * quotedRemoteAddr is remoteAddr plus the X-Forwarded-For header if any,
   * JSON-quoted since both may contain untrusted input (VM's GetQuotedRemoteAddr).
   */
  quotedRemoteAddr(): string {
    let s = this.remoteAddr;
    const xff = this.header("x-forwarded-for");
    if (xff !== "") s += `, X-Forwarded-For: ${xff}`;
    return JSON.stringify(s);
  }

  /**
   * requestURI is the request URI as received, plus the args of an already
   * parsed urlencoded POST body (with authKey masked), for error messages and
   * logs (VM's GetRequestURI).
   */
  requestURI(): string {
    const uri = this.raw.url ?? "";
    if (this.postForm === undefined || this.postForm.size === 0) return uri;
    const masked = new URLSearchParams();
    for (const [k, v] of this.postForm) masked.append(k, k === "authKey" ? "secret" : v);
    return uri + (uri.includes("?") ? "&" : "?") + masked.toString();
  }
}
