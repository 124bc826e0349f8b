// The log workload of `npm run bench -- logs`: a deterministic stream of
// realistic log lines (nginx access lines and JSON application logs with
// high-cardinality trace_id and user_id fields) as JSON lines, plus the
// answers the benchmark queries must give, counted while generating.

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SERVICES = ["nginx", "api", "auth", "billing", "cart", "checkout", "inventory", "notifications", "payments", "search"] as const;
export const HOSTS_PER_SERVICE = 5;

const ROUTES = ["/api/v1/items/", "/api/v1/users/", "/api/v1/cart/", "/api/v1/orders/", "/static/js/app.", "/healthz", "/api/v1/search?q=", "/login", "/api/v1/payments/", "/favicon.ico"];
const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "curl/8.0.1",
  "Go-http-client/1.1",
  "python-requests/2.31.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
];
const REFERERS = ["-", "https://shop.example.com/", "https://shop.example.com/cart", "https://www.google.com/"];
const TABLES = ["orders", "users", "sessions", "payments", "inventory_items", "carts"];
const DEPS = ["postgres", "redis", "kafka", "payments-gateway", "auth-service", "s3"];
const TEMPLATES: ((r: () => number, n: (k: number) => number) => string)[] = [
  (_r, n) => `request completed in ${n(900) + 3}ms`,
  (r, n) => `fetched ${n(200)} rows from ${TABLES[n(TABLES.length)]} in ${(r() * 40).toFixed(1)}ms`,
  (_r, n) => `cache miss for key item:${n(100000)}`,
  (_r, n) => `cache hit for key session:${n(1000000).toString(16)}`,
  (_r, n) => `user logged in from 10.${n(256)}.${n(256)}.${n(256)}`,
  (r) => `payment of ${(r() * 500).toFixed(2)} EUR authorized`,
  (_r, n) => `order ${n(10000000)} created with ${n(9) + 1} items`,
  (_r, n) => `retrying call to ${DEPS[n(DEPS.length)]} (attempt ${n(3) + 1})`,
  (_r, n) => `connection refused by ${DEPS[n(DEPS.length)]}:${5000 + n(1000)}`,
  (_r, n) => `slow query on ${TABLES[n(TABLES.length)]}: ${n(5000) + 500}ms`,
  (_r, n) => `published event order.updated to partition ${n(32)}`,
  (_r, n) => `consumer lag is ${n(5000)} messages`,
  (_r, n) => `rate limit exceeded for client ${n(5000)}`,
  (_r, n) => `validation failed: field quantity must be positive, got -${n(10)}`,
  (_r, n) => `timeout after ${n(30) + 1}s waiting for ${DEPS[n(DEPS.length)]}`,
  (_r, n) => `scheduled job cleanup removed ${n(1000)} expired sessions`,
  (_r, n) => `GET /internal/config returned ${[200, 304][n(2)]}`,
  (r) => `heap usage ${(r() * 100).toFixed(1)}% after gc`,
  (_r, n) => `feature flag new-checkout evaluated to ${n(2) === 1}`,
  (_r, n) => `sent email notification to user ${n(200000)}`,
];

/** Expected holds what each benchmark query must return for the generated lines. */
export interface Expected {
  rareWord: number;
  phrase: number;
  traceID: string;
  traceLines: number;
  levels: Record<string, number>;
  /** The 100 newest `checkout` timestamps (ns, as strings), newest first. */
  checkoutNewest: string[];
  errorsLastHour: number;
}

export interface WorkloadOptions {
  lines: number;
  hours: number;
  seed: number;
  /** End of the data (ms); the data cover [end - hours, end). */
  endMs: number;
  senders: number;
  linesPerBody: number;
}

function hex(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i += 8) s += Math.floor(r() * 4294967296).toString(16).padStart(8, "0");
  return s.slice(0, n);
}

function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return new Date(ms).toISOString().slice(0, 19) + "." + frac + "Z";
}

/**
 * generate produces the workload as request bodies, calling onBody(sender,
 * body) for each; bodies of one sender are in time order, and each stream
 * belongs to one sender. Returns the expected answers and the raw size.
 */
export function generate(o: WorkloadOptions, onBody: (sender: number, body: string, lines: number) => void): { expected: Expected; rawBytes: number } {
  const r = prng(o.seed);
  const nStreams = SERVICES.length * HOSTS_PER_SERVICE;
  // Each stream's share of the traffic; nginx carries about half.
  const weights: number[] = [];
  for (let s = 0; s < nStreams; s++) weights.push((SERVICES[Math.floor(s / HOSTS_PER_SERVICE)] === "nginx" ? 9 : 1) * (0.5 + r()));
  const total = weights.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w / total));
  const hosts = Array.from({ length: nStreams }, (_, s) => `ip-10-0-${s % 7}-${10 + s}`);
  const pods = Array.from({ length: nStreams }, (_, s) => `${SERVICES[Math.floor(s / HOSTS_PER_SERVICE)]}-${hex(prng(s + 1), 10)}`);
  const traceLeft = new Int32Array(nStreams);
  const traceOf: string[] = new Array(nStreams).fill("");
  const bufs: string[][] = Array.from({ length: o.senders }, () => []);
  const startNs = BigInt(o.endMs - o.hours * 3_600_000) * 1_000_000n;
  const spanNs = BigInt(o.hours * 3_600_000) * 1_000_000n;
  const lastHourNs = BigInt(o.endMs - 3_600_000) * 1_000_000n;
  const expected: Expected = { rareWord: 0, phrase: 0, traceID: "", traceLines: 0, levels: {}, checkoutNewest: [], errorsLastHour: 0 };
  const checkout: string[] = [];
  let rawBytes = 0;
  const n = (k: number): number => Math.floor(r() * k);
  const middle = Math.floor(o.lines / 2);
  for (let i = 0; i < o.lines; i++) {
    const ns = startNs + (spanNs * BigInt(i)) / BigInt(o.lines) + BigInt(n(1000));
    const x = r();
    let s = 0;
    while (cum[s]! < x) s++;
    const service = SERVICES[Math.floor(s / HOSTS_PER_SERVICE)]!;
    const t = rfc3339Nano(ns);
    let line: string;
    let level = "";
    if (service === "nginx") {
      const method = ["GET", "GET", "GET", "POST", "PUT", "DELETE"][n(6)]!;
      const route = ROUTES[Math.min(n(12), ROUTES.length - 1)]!;
      const path = route.endsWith("/") || route.endsWith("=") || route.endsWith(".") ? route + Math.floor(Math.pow(r(), 3) * 100000) : route;
      const sr = r();
      const status = sr < 0.83 ? 200 : sr < 0.9 ? 304 : sr < 0.95 ? 301 : sr < 0.975 ? 404 : sr < 0.99 ? 400 : [500, 502, 503][n(3)]!;
      const bytes = n(50000);
      const dur = Math.round(Math.exp(2 + r() * 3) * (status >= 500 ? 10 : 1));
      const ua = AGENTS[n(AGENTS.length)]!;
      const ref = REFERERS[n(REFERERS.length)]!;
      const addr = `10.${n(4)}.${n(256)}.${n(256)}`;
      const msg = `${method} ${path} HTTP/1.1 ${status} ${bytes} "${ref}" "${ua}" ${dur}ms`;
      line = JSON.stringify({ _time: t, service, host: hosts[s], _msg: msg, method, path, status: String(status), bytes: String(bytes), duration_ms: String(dur), remote_addr: addr });
    } else {
      const lr = r();
      level = lr < 0.88 ? "info" : lr < 0.97 ? "warn" : "error";
      if (traceLeft[s]! <= 0) {
        traceOf[s] = hex(r, 32);
        traceLeft[s] = 1 + n(4);
        if (i >= middle && expected.traceID === "") expected.traceID = traceOf[s]!;
      }
      traceLeft[s]!--;
      const user = `usr_${String(Math.floor(Math.pow(r(), 2) * 200000)).padStart(7, "0")}`;
      let msg = TEMPLATES[n(TEMPLATES.length)]!(r, n);
      if (n(25000) === 0) msg = `worker crashed with segfault at 0x${hex(r, 12)}`;
      line = JSON.stringify({ _time: t, service, host: hosts[s], level, pod: pods[s], trace_id: traceOf[s], user_id: user, _msg: msg });
      if (/\bsegfault\b/.test(msg)) expected.rareWord++;
      if (msg.includes("connection refused")) expected.phrase++;
      if (level === "error" && ns >= lastHourNs) expected.errorsLastHour++;
      if (traceOf[s] === expected.traceID) expected.traceLines++;
    }
    expected.levels[level] = (expected.levels[level] ?? 0) + 1;
    if (service === "checkout") {
      checkout.push(ns.toString());
      if (checkout.length > 200) checkout.splice(0, 100);
    }
    rawBytes += line.length + 1;
    const sender = s % o.senders;
    const b = bufs[sender]!;
    b.push(line);
    if (b.length >= o.linesPerBody) {
      onBody(sender, b.join("\n") + "\n", b.length);
      b.length = 0;
    }
  }
  bufs.forEach((b, sender) => {
    if (b.length > 0) onBody(sender, b.join("\n") + "\n", b.length);
  });
  expected.checkoutNewest = checkout.slice(-100).reverse();
  return { expected, rawBytes };
}
