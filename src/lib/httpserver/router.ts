// A small router for app code: exact paths and "/prefix/*" routes, optional
// method lists, and VM's per-path self-metrics for every route.
import type * as http from "node:http";
import { counter } from "../metrics/index.ts";
import type { Counter } from "../metrics/index.ts";
import type { Request } from "./request.ts";
import { HttpError } from "./http_error.ts";

/** RouteHandler serves a request; the response must be ended when its promise resolves. */
export type RouteHandler = (req: Request, res: http.ServerResponse) => Promise<void> | void;

/** RouteOptions refines a route. */
export interface RouteOptions {
  /** methods lists the accepted methods (upper case); other methods get 405. Default: any. */
  methods?: readonly string[];
  /** metricPath is the `path` label of the route's metrics; default: the route path. */
  metricPath?: string;
  /** protocol adds a `protocol` label to the route's metrics, as VM's ingestion routes have. */
  protocol?: string;
}

interface Route {
  handler: RouteHandler;
  methods: readonly string[] | undefined;
  requests: Counter;
  errors: Counter;
  durationSum: Counter;
  durationCount: Counter;
}

/**
 * Router maps request paths to handlers. `add("/api/v1/query", h)` matches
 * that path exactly; `add("/prometheus/*", h)` matches every path starting
 * with "/prometheus/" (the longest matching prefix wins; exact routes win
 * over prefixes). Each route counts `vm_http_requests_total{path="..."}`,
 * `vm_http_request_errors_total{path="..."}` (thrown errors) and
 * `vm_request_duration_seconds_sum/_count{path="..."}`.
 */
export class Router {
  private readonly exact = new Map<string, Route>();
  private prefixes: { prefix: string; route: Route }[] = [];

  /** add registers handler for path; registering the same path twice is a bug. */
  add(path: string, handler: RouteHandler, opts: RouteOptions = {}): void {
    const isPrefix = path.endsWith("*");
    const key = isPrefix ? path.slice(0, -1) : path;
    if (!key.startsWith("/")) throw new Error(`BUG: route path must start with "/"; got ${JSON.stringify(path)}`);
    if (isPrefix ? this.prefixes.some((p) => p.prefix === key) : this.exact.has(key)) {
      throw new Error(`BUG: route ${JSON.stringify(path)} is registered twice`);
    }
    let labels = `path=${JSON.stringify(opts.metricPath ?? path)}`;
    if (opts.protocol !== undefined) labels += `, protocol=${JSON.stringify(opts.protocol)}`;
    const route: Route = {
      handler,
      methods: opts.methods?.map((m) => m.toUpperCase()),
      requests: counter(`vm_http_requests_total{${labels}}`),
      errors: counter(`vm_http_request_errors_total{${labels}}`),
      durationSum: counter(`vm_request_duration_seconds_sum{${labels}}`),
      durationCount: counter(`vm_request_duration_seconds_count{${labels}}`),
    };
    if (isPrefix) {
      this.prefixes.push({ prefix: key, route });
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    } else {
      this.exact.set(key, route);
    }
  }

  /** match returns the route for path, or undefined. */
  private match(path: string): Route | undefined {
    const r = this.exact.get(path);
    if (r !== undefined) return r;
    for (const p of this.prefixes) {
      if (path.startsWith(p.prefix)) return p.route;
    }
    return undefined;
  }

  /**
   * handle serves req with the matching route and returns true, or returns
   * false when no route matches; it has the shape of the server's Handler.
   * Errors thrown by the route are counted and re-thrown for the server to answer.
   */
  handle = async (req: Request, res: http.ServerResponse): Promise<boolean> => {
    const route = this.match(req.path);
    if (route === undefined) return false;
    route.requests.inc();
    const start = performance.now();
    try {
      if (route.methods !== undefined && !route.methods.includes(req.method)) {
        res.setHeader("Allow", route.methods.join(", "));
        throw new HttpError(405, `unsupported method ${req.method} for path ${JSON.stringify(req.path)}; want ${route.methods.join(" or ")}`);
      }
      await route.handler(req, res);
    } catch (e) {
      route.errors.inc();
      throw e;
    } finally {
      route.durationSum.add((performance.now() - start) / 1000);
      route.durationCount.inc();
    }
    return true;
  };
}
