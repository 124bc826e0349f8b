// Syslog listeners tested with the real util-linux `logger` command.
import test from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import * as flags from "../../lib/flagutil/index.ts";
import * as logger from "../../lib/logger/index.ts";
import type { LogField, LogIngester, LogRowsBatch, TenantID } from "../../lib/protoparser/logs/index.ts";
import { SyslogFramer, startSyslogListeners, stopSyslogListeners, syslogPorts } from "./syslog.ts";

logger.setLevel("FATAL");

interface Row { tenant: string; ts: bigint; fields: Record<string, string>; stream: string[] }
const rows: Row[] = [];
const ing: LogIngester = {
  newBatch(): LogRowsBatch {
    const b: Row[] = [];
    return {
      get rowsCount() { return b.length; },
      addRow(t: TenantID, ts: bigint, fields: readonly LogField[], sf: readonly string[]) {
        b.push({ tenant: `${t.accountID}:${t.projectID}`, ts, fields: Object.fromEntries(fields.map((f) => [f.name, f.value])), stream: [...sf] });
      },
      _b: b,
    } as LogRowsBatch;
  },
  commit(batch: LogRowsBatch): number {
    const b = (batch as unknown as { _b: Row[] })._b;
    rows.push(...b);
    return b.length;
  },
};

function setFlag(name: string, v: string[]): void {
  const f = flags.lookup(name);
  assert.ok(f !== undefined, name);
  (f as flags.Flag<string[]>).value = v;
}

function runLogger(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile("logger", args, (err, _o, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve())));
}

async function waitRows(n: number): Promise<void> {
  for (let i = 0; i < 200 && rows.length < n; i++) await new Promise((r) => setTimeout(r, 10));
}

test("SyslogFramer: newline and octet-counted framing, detected per message", () => {
  const f = (chunks: string[], want: string[]) => {
    const got: string[] = [];
    const fr = new SyslogFramer(1000);
    for (const c of chunks) fr.push(Buffer.from(c), (m) => got.push(m));
    const last = fr.end();
    if (last !== undefined) got.push(last);
    assert.deepEqual(got, want, JSON.stringify(chunks));
  };
  f(["<13>a\n<13>b\n"], ["<13>a", "<13>b"]);
  f(["11 <13>1 hello", "5 <1>ab"], ["<13>1 hello", "<1>ab"]);
  f(["1", "1 <13>1 he", "llo<13>x\n"], ["<13>1 hello", "<13>x"]);
  f(["5 a\nb\nc<13>tail"], ["a\nb\nc", "<13>tail"]);
  f(["\n\n<13>a\n3 xyz"], ["<13>a", "xyz"]);
  const fr = new SyslogFramer(10);
  assert.throws(() => fr.push(Buffer.from("99 x"), () => {}));
  assert.throws(() => new SyslogFramer(10).push(Buffer.from("5x"), () => {}));
});

test("syslog listeners: logger over TCP and UDP, RFC5424 and RFC3164, octet counting", async (t) => {
  setFlag("syslog.listenAddr.tcp", ["127.0.0.1:0"]);
  setFlag("syslog.listenAddr.udp", ["127.0.0.1:0"]);
  setFlag("syslog.tenantID.udp", ["3:4"]);
  await startSyslogListeners(ing);
  t.after(async () => {
    await stopSyslogListeners();
    setFlag("syslog.listenAddr.tcp", []);
    setFlag("syslog.listenAddr.udp", []);
    setFlag("syslog.tenantID.udp", []);
  });
  const { tcp, udp } = syslogPorts();
  assert.equal(tcp.length, 1);
  assert.equal(udp.length, 1);
  const host = os.hostname();
  const cases: { args: string[]; want: Record<string, string>; tenant: string }[] = [
    { args: ["--tcp", "--port", String(tcp[0]), "--rfc5424", "--msgid", "M1", "--sd-id", "ex@1", "--sd-param", 'k="v"', "-t", "app1", "--id=42", "tcp 5424"], tenant: "0:0",
      want: { format: "rfc5424", app_name: "app1", proc_id: "42", msg_id: "M1", "ex@1.k": "v", _msg: "tcp 5424", priority: "13", level: "notice", facility_keyword: "user" } },
    { args: ["--tcp", "--octet-count", "--port", String(tcp[0]), "--rfc5424", "-t", "app2", "-p", "local0.err", "octet\ncounted"], tenant: "0:0",
      want: { format: "rfc5424", app_name: "app2", _msg: "octet\ncounted", priority: "131", facility: "16", severity: "3", facility_keyword: "local0", level: "err" } },
    { args: ["--tcp", "--port", String(tcp[0]), "--rfc3164", "-t", "app3", "tcp 3164"], tenant: "0:0",
      want: { format: "rfc3164", app_name: "app3", _msg: "tcp 3164" } },
    { args: ["--udp", "--port", String(udp[0]), "--rfc5424", "-t", "app4", "udp 5424"], tenant: "3:4",
      want: { format: "rfc5424", app_name: "app4", _msg: "udp 5424" } },
    { args: ["--udp", "--port", String(udp[0]), "--rfc3164", "-t", "app5", "--id=7", "udp 3164"], tenant: "3:4",
      want: { format: "rfc3164", app_name: "app5", proc_id: "7", _msg: "udp 3164" } },
  ];
  for (const c of cases) {
    rows.length = 0;
    const start = BigInt(Date.now() - 2000) * 1_000_000n;
    await runLogger(["--server", "127.0.0.1", ...c.args]);
    await waitRows(1);
    assert.equal(rows.length, 1, c.args.join(" "));
    const r = rows[0]!;
    for (const [k, v] of Object.entries(c.want)) assert.equal(r.fields[k], v, `${k} for ${c.args.join(" ")}: ${JSON.stringify(r.fields)}`);
    assert.ok(r.fields.hostname === host || r.fields.hostname === host.split(".")[0], `hostname ${r.fields.hostname}`);
    assert.equal(r.tenant, c.tenant);
    assert.deepEqual(r.stream, ["hostname", "app_name", "proc_id"]);
    assert.ok(r.ts >= start && r.ts <= BigInt(Date.now() + 2000) * 1_000_000n, `ts ${r.ts}`);
  }

  // Several messages on one connection, both framings mixed, the last one unterminated.
  rows.length = 0;
  await new Promise<void>((resolve, reject) => {
    const s = net.connect(tcp[0]!, "127.0.0.1", () => {
      s.end("<13>1 2024-01-02T03:04:05Z h a - - - one\n22 <13>1 - h a - - - two\n<14>Jan  2 03:04:05 h b: three");
    });
    s.on("close", () => resolve());
    s.on("error", reject);
  });
  await waitRows(3);
  assert.deepEqual(rows.map((r) => r.fields._msg), ["one", "two", "three"]);
  assert.equal(rows[0]!.ts, 1704164645_000000000n);
});
