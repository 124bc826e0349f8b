// /api/v1/import/csv and /api/v1/export/csv on a real `tidemark` process, and the same
// CSV sent to the real VictoriaMetrics 1.79.5: the exports of both must be equal.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { metricValue, normalizeExport, startServer, tempDir, type Server, startVictoriaMetrics, vmSkip, type VictoriaMetrics } from "./harness.ts";

const skipVM = vmSkip;

let tm: Server;
let vm: VictoriaMetrics | undefined;
let vmURL = "";
const dirs: string[] = [];
// Whole seconds, an hour ago, so that every time format can express them.
const t0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

before(async () => {
  const d = tempDir();
  dirs.push(d);
  const starting = startServer([`-storageDataPath=${d}`, "-retentionPeriod=1y"]);
  if (vmSkip === false) {
    vm = await startVictoriaMetrics();
    vmURL = vm.url;
  }
  tm = await starting;
});

after(async () => {
  await tm?.stop();
  await vm?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function exportJSON(url: string, match: string): Promise<string[]> {
  await fetch(`${url}/internal/force_flush`);
  const r = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0&end=${Math.ceil(Date.now() / 1000) + 1}`);
  assert.equal(r.status, 200, `${url} export ${match}`);
  // Infinities are written unquoted (as VictoriaMetrics does): quote them for the JSON reader.
  return normalizeExport((await r.text()).replace(/([[,])(NaN|[+-]Inf)(?=[,\]])/g, '$1"$2"'));
}

async function exportCSV(url: string, match: string, format: string): Promise<{ status: number; lines: string[]; type: string | null }> {
  await fetch(`${url}/internal/force_flush`);
  const r = await fetch(`${url}/api/v1/export/csv?match[]=${encodeURIComponent(match)}&start=0&end=${Math.ceil(Date.now() / 1000) + 1}&format=${encodeURIComponent(format)}`);
  const text = await r.text();
  return { status: r.status, lines: text.split("\n").filter((l) => l !== "").sort(), type: r.headers.get("content-type") };
}

test("CSV import: formats, several metric columns, extra_label and gzip come back exactly", async () => {
  const s = t0 / 1000;
  const body = [
    `GOOG,${s},1.23,4.56,NYSE`,
    `MSFT,${s + 60},3.21,1.67,NASDAQ`,
    `"Big, ""quoted"" Co",${s + 120},10,-0.5,LSE`,
  ].join("\n");
  const r = await tm.post("/api/v1/import/csv?format=" + encodeURIComponent("1:label:ticker,2:time:unix_s,3:metric:ask,4:metric:bid,5:label:market") + "&extra_label=src=csv1", body);
  assert.equal(r.status, 204, await r.text());
  const got = await exportJSON(tm.url, '{src="csv1"}');
  assert.deepEqual(got, [
    `{"__name__":"ask","market":"LSE","src":"csv1","ticker":"Big, \\"quoted\\" Co"} [10] [${t0 + 120_000}]`,
    `{"__name__":"ask","market":"NASDAQ","src":"csv1","ticker":"MSFT"} [3.21] [${t0 + 60_000}]`,
    `{"__name__":"ask","market":"NYSE","src":"csv1","ticker":"GOOG"} [1.23] [${t0}]`,
    `{"__name__":"bid","market":"LSE","src":"csv1","ticker":"Big, \\"quoted\\" Co"} [-0.5] [${t0 + 120_000}]`,
    `{"__name__":"bid","market":"NASDAQ","src":"csv1","ticker":"MSFT"} [1.67] [${t0 + 60_000}]`,
    `{"__name__":"bid","market":"NYSE","src":"csv1","ticker":"GOOG"} [4.56] [${t0}]`,
  ]);
  // gzip, rfc3339 with a zone, a custom layout, and a missing time column (now).
  const gz = zlib.gzipSync(`${new Date(t0).toISOString().replace("Z", "+00:00")},7\n`);
  assert.equal((await tm.post("/api/v1/import/csv?format=1:time:rfc3339,2:metric:gz&extra_label=src=csv2", gz, { "Content-Encoding": "gzip" })).status, 204);
  const d = new Date(t0);
  const custom = `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, "0")}h${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")}.250`;
  assert.equal((await tm.post("/api/v1/import/csv?format=" + encodeURIComponent("2:time:custom:02/01/2006 15h04:05.000,1:metric:cu") + "&extra_label=src=csv2", `8,${custom}`)).status, 204);
  const before = Date.now();
  assert.equal((await tm.post("/prometheus/api/v1/import/csv?format=1:metric:nots&extra_label=src=csv2", "9")).status, 204);
  const got2 = await exportJSON(tm.url, '{src="csv2"}');
  assert.equal(got2[0], `{"__name__":"cu","src":"csv2"} [8] [${t0 + 250}]`);
  assert.equal(got2[1], `{"__name__":"gz","src":"csv2"} [7] [${t0}]`);
  const ts = JSON.parse(got2[2]!.split(" ")[2]!)[0] as number;
  assert.ok(got2[2]!.startsWith(`{"__name__":"nots","src":"csv2"} [9] `) && ts >= before - 1000 && ts <= Date.now(), got2[2]);
});

test("CSV import: bad lines get a 400 naming them, valid lines are stored and counted", async () => {
  const m0 = metricValue(await (await tm.get("/metrics")).text(), 'vm_rows_invalid_total{type="csvimport"}') ?? 0;
  const body = `a,${t0},1\nb,${t0},x\nc,${t0}\n"d,${t0},4\ne,${t0},5\n`;
  const r = await tm.post("/api/v1/import/csv?format=1:label:l,2:time:unix_ms,3:metric:bad_lines", body);
  assert.equal(r.status, 400);
  const msg = await r.text();
  assert.match(msg, /3 csv lines are invalid/);
  assert.match(msg, /line 2: cannot parse csv line "b,\d+,x": cannot parse metric value for "bad_lines" from "x"/);
  assert.match(msg, /line 3: .*missing columns in the csv line/);
  assert.match(msg, /line 4: .*missing closing quote/);
  const got = await exportJSON(tm.url, "bad_lines");
  assert.deepEqual(got.map((l) => l.split(" ")[0]), ['{"__name__":"bad_lines","l":"a"}', '{"__name__":"bad_lines","l":"e"}']);
  const m1 = metricValue(await (await tm.get("/metrics")).text(), 'vm_rows_invalid_total{type="csvimport"}');
  assert.equal(m1, m0 + 3);
  // A bad or missing format is a 400 before anything is read.
  const f = async (q: string, want: RegExp) => {
    const x = await tm.post("/api/v1/import/csv" + q, "1,2\n");
    assert.equal(x.status, 400, q);
    assert.match(await x.text(), want, q);
  };
  await f("", /cannot parse the provided csv format: entry #1 must have the following form/);
  await f("?format=1:label:x", /missing 'metric' column/);
  await f("?format=1:time:unix_us,2:metric:m", /unknown format for time parsing: "unix_us"/);
  assert.equal((await tm.get("/api/v1/import/csv?format=1:metric:m")).status, 405);
});

test("CSV export: every field kind, quoting, and errors", async () => {
  const body = `${t0 + 5},1.5,"a,b"\n${t0 + 1005},-2,plain\n`;
  assert.equal((await tm.post("/api/v1/import/csv?format=1:time:unix_ms,2:metric:exp_m,3:label:tag", body)).status, 204);
  const x = await exportCSV(tm.url, "exp_m", "__name__,tag,__value__,__timestamp__,__timestamp__:unix_s,__timestamp__:unix_ns,__timestamp__:rfc3339,__timestamp__:custom:2006-01-02 15:04:05.000,__timestamp__:bogus,missing");
  assert.equal(x.status, 200);
  assert.equal(x.type, "text/csv; charset=utf-8");
  const iso = (ms: number) => new Date(ms).toISOString();
  const row = (tag: string, v: string, ms: number) =>
    `exp_m,${tag},${v},${ms},${Math.floor(ms / 1000)},${ms}000000,${iso(ms).slice(0, 19)}Z,${iso(ms).slice(0, 23).replace("T", " ")},Unsupported timeFormat=bogus,`;
  assert.deepEqual(x.lines, [row(`"a,b"`, "1.5", t0 + 5), row("plain", "-2", t0 + 1005)].sort());
  const bad = await tm.get("/api/v1/export/csv?match[]=exp_m");
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /missing `format` arg/);
  assert.equal((await tm.get("/api/v1/export/csv?format=__value__")).status, 400);
});

test("the same CSV into VictoriaMetrics 1.79.5 and Tidemark exports the same", { skip: skipVM }, async () => {
  const s = t0 / 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const imports: Array<[string, string]> = [
    ["1:label:ticker,2:time:unix_s,3:metric:cmp_ask,4:metric:cmp_bid,5:label:market",
      `GOOG,${s},1.23,4.56,NYSE\nMSFT,${s + 60},3.21,1.67,NASDAQ\r\n\n"Big, ""Q"" Co",${s + 120},10,-0.5,LSE\nbad,${s},x,1,NYSE\nshort,${s}\n`],
    ["3:time:unix_ns,1:metric:cmp_ns,2:label:host,5:label:empty", `42.5,h1,${t0 + 7}123456,ignored,\n43,h2,${t0 + 8}999999,x,"",extra,cols\n`],
    ["1:time:rfc3339,2:metric:cmp_rfc,3:label:zone", `${iso(t0).replace("Z", "+02:00")},1e3,east\n${iso(t0 + 1)},-Inf,utc\n${iso(t0)}x,5,bad\n`],
    ["2:time:custom:Jan _2 2006 15:04:05.999,1:metric:cmp_custom,3:label:q",
      `0.001,${new Date(t0).toUTCString().slice(8, 11)} ${String(new Date(t0).getUTCDate()).padStart(2, " ")} ${new Date(t0).getUTCFullYear()} ${iso(t0).slice(11, 19)}.5,"tab\there"\n`],
    // A label column named like the extra_label, and repeated label columns.
    ["1:label:cmp,2:metric:cmp_dup,3:time:unix_ms,4:label:x,5:label:x", `0,5,${t0},a,b\n0,6,${t0 + 1},a,b\n`],
  ];
  const tmInvalid0 = metricValue(await (await tm.get("/metrics")).text(), 'vm_rows_invalid_total{type="csvimport"}') ?? 0;
  for (const [format, body] of imports) {
    const q = `/api/v1/import/csv?format=${encodeURIComponent(format)}&extra_label=cmp=1`;
    const a = await fetch(vmURL + q, { method: "POST", body });
    assert.equal(a.status, 204, `VictoriaMetrics accepts ${format}`);
    const b = await tm.post(q, body);
    assert.ok(b.status === 204 || b.status === 400, `Tidemark: ${b.status}`);
  }
  const tmJSON = await exportJSON(tm.url, '{__name__=~"cmp_.*"}');
  const vmJSON = await exportJSON(vmURL, '{__name__=~"cmp_.*"}');
  assert.ok(vmJSON.length >= 8, `VictoriaMetrics stored the series: ${vmJSON.length}`);
  assert.deepEqual(tmJSON, vmJSON);
  const formats = [
    "__name__,ticker,market,host,q,__value__,__timestamp__",
    "__timestamp__:unix_s,__timestamp__:unix_ms,__timestamp__:unix_ns,__timestamp__:rfc3339,__name__",
    "__timestamp__:custom:Mon Jan _2 15:04:05.000 MST 2006,__timestamp__:custom:2006-01-02T15:04:05,__timestamp__:nope,__value__",
    "zone,nosuch,__name__,cmp,x,__value__",
  ];
  for (const format of formats) {
    const a = await exportCSV(vmURL, '{__name__=~"cmp_.*"}', format);
    const b = await exportCSV(tm.url, '{__name__=~"cmp_.*"}', format);
    assert.equal(b.status, a.status, format);
    assert.deepEqual(b.lines, a.lines, format);
  }
  const vmMetrics = await (await fetch(vmURL + "/metrics")).text();
  const tmInvalid = (metricValue(await (await tm.get("/metrics")).text(), 'vm_rows_invalid_total{type="csvimport"}') ?? 0) - tmInvalid0;
  assert.equal(tmInvalid, metricValue(vmMetrics, 'vm_rows_invalid_total{type="csvimport"}'), "both count the same bad lines");
  // Errors of the export API.
  for (const q of ["/api/v1/export/csv?match[]=x", "/api/v1/export/csv?format=__value__"]) {
    assert.equal((await tm.get(q)).status, (await fetch(vmURL + q)).status, q);
  }
});
