// Syslog listeners: RFC3164 and RFC5424 messages over TCP (newline-framed
// or octet-counted, detected per message) and UDP (a message per datagram),
// on -syslog.listenAddr.tcp / -syslog.listenAddr.udp. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/syslog/
// TLS and compressed syslog streams are not supported.
import * as net from "node:net";
import * as flags from "../../lib/flagutil/index.ts";
import { parseListenAddr } from "../../lib/httpserver/index.ts";
import { UdpServer } from "../../lib/ingestserver/index.ts";
import * as logger from "../../lib/logger/index.ts";
import type { LogIngester, TenantID } from "../../lib/protoparser/logs/index.ts";
import { counter } from "../../lib/metrics/index.ts";
import {
  FieldList, LogParseError, checkTimezone, defaultCommonParams, nowNs, parseSyslogMessage, parseTenant, splitList,
  type CommonParams, type LogRowProcessor,
} from "../../lib/protoparser/logs/index.ts";
import { maxLineSizeBytes, newProcessor } from "./common.ts";

const listenAddrTCP = flags.array("syslog.listenAddr.tcp", "Comma-separated list of TCP addresses to listen to for Syslog messages. See https://docs.victoriametrics.com/victorialogs/data-ingestion/syslog/");
const listenAddrUDP = flags.array("syslog.listenAddr.udp", "Comma-separated list of UDP addresses to listen to for Syslog messages. See https://docs.victoriametrics.com/victorialogs/data-ingestion/syslog/");
const timezone = flags.string("syslog.timezone", "Local", "Timezone to use when parsing timestamps in RFC3164 syslog messages. Timezone must be a valid IANA Time Zone. For example: America/New_York, Europe/Berlin, Etc/GMT+3 or Local");
const tenantTCP = flags.array("syslog.tenantID.tcp", "TenantID for logs ingested via the corresponding -syslog.listenAddr.tcp (accountID[:projectID]; default 0:0)");
const tenantUDP = flags.array("syslog.tenantID.udp", "TenantID for logs ingested via the corresponding -syslog.listenAddr.udp (accountID[:projectID]; default 0:0)");
const streamFieldsTCP = flags.array("syslog.streamFields.tcp", "Fields to use as log stream labels for logs ingested via the corresponding -syslog.listenAddr.tcp, as a JSON array such as '[\"hostname\",\"app_name\"]'. Default: hostname, app_name, proc_id");
const streamFieldsUDP = flags.array("syslog.streamFields.udp", "Fields to use as log stream labels for logs ingested via the corresponding -syslog.listenAddr.udp, as a JSON array such as '[\"hostname\",\"app_name\"]'. Default: hostname, app_name, proc_id");
const ignoreFieldsTCP = flags.array("syslog.ignoreFields.tcp", "Fields to ignore for logs ingested via the corresponding -syslog.listenAddr.tcp, as a JSON array");
const ignoreFieldsUDP = flags.array("syslog.ignoreFields.udp", "Fields to ignore for logs ingested via the corresponding -syslog.listenAddr.udp, as a JSON array");

const useLocalTimestampTCP = flags.array("syslog.useLocalTimestamp.tcp", "Whether to use local timestamp instead of the original timestamp for the ingested syslog messages at the corresponding -syslog.listenAddr.tcp");
const useLocalTimestampUDP = flags.array("syslog.useLocalTimestamp.udp", "Whether to use local timestamp instead of the original timestamp for the ingested syslog messages at the corresponding -syslog.listenAddr.udp");

const defaultStreamFields = ["hostname", "app_name", "proc_id"];
const errorsTotal = counter(`vl_errors_total{type="syslog"}`);

/** listeners running now, for stop and the ports. */
const tcpServers: SyslogTcpServer[] = [];
const udpServers: UdpServer[] = [];

function listAt(a: readonly string[], i: number): string {
  return a[i] ?? "";
}

function parseFieldList(flagName: string, s: string): string[] | undefined {
  if (s === "") return undefined;
  if (s.startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw new Error(`cannot parse -${flagName}=${JSON.stringify(s)}: ${(e as Error).message}`);
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new Error(`cannot parse -${flagName}=${JSON.stringify(s)}: want a JSON array of strings`);
    return v as string[];
  }
  return splitList(s);
}

function parseBoolFlag(flagName: string, s: string): boolean {
  if (s === "") return false;
  const v = flags.parseBool(s);
  if (v === undefined) throw new Error(`cannot parse -${flagName}=${JSON.stringify(s)}: want true or false`);
  return v;
}

function parseTenantFlag(flagName: string, s: string): TenantID {
  if (s === "") return { accountID: 0, projectID: 0 };
  const [a, p = ""] = s.split(":");
  try {
    return parseTenant((n) => (n === "AccountID" ? a! : p));
  } catch (e) {
    throw new Error(`cannot parse -${flagName}=${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

/** syslogParams returns the ingestion parameters of a syslog listener. */
export function syslogParams(tenant: TenantID, streamFields: string[] | undefined, ignoreFields: string[] | undefined): CommonParams {
  const cp = defaultCommonParams(tenant);
  cp.streamFields = streamFields ?? [...defaultStreamFields];
  cp.ignoreFields = ignoreFields ?? [];
  return cp;
}

/**
 * SyslogHandler parses syslog messages into rows of its processor; call
 * commit() after each batch of received data.
 */
export class SyslogHandler {
  private readonly fields = new FieldList();
  private readonly p: LogRowProcessor;
  private readonly name: string;
  private readonly useLocalTimestamp: boolean;

  constructor(ingester: LogIngester, params: CommonParams, name: string, useLocalTimestamp = false) {
    this.p = newProcessor(ingester, params, "syslog");
    this.name = name;
    this.useLocalTimestamp = useLocalTimestamp;
  }

  /** message adds the row of one message (trailing newlines trimmed; empty messages ignored). */
  message(s: string, remoteAddr: string): void {
    let end = s.length;
    while (end > 0 && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13 || s.charCodeAt(end - 1) === 0)) end--;
    if (end === 0) return;
    if (end < s.length) s = s.slice(0, end);
    this.fields.reset();
    try {
      const nowMs = Date.now();
      const ts = parseSyslogMessage(s, this.fields, { timezone: timezone.value, nowMs });
      this.p.addRow(ts === 0n || this.useLocalTimestamp ? nowNs() : ts, this.fields.items);
    } catch (e) {
      if (!(e instanceof LogParseError)) throw e;
      errorsTotal.inc();
      logger.warnRateLimited(`vlinsert:syslog:${this.name}`, `syslog ${this.name}: cannot parse message from ${remoteAddr}: ${e.message}`);
    }
  }

  /** commit stores the rows added so far. */
  commit(): void {
    this.p.flush();
  }
}

/**
 * SyslogFramer splits a TCP syslog stream into messages: a message that
 * starts with a digit is octet-counted (`LEN SP MSG`, RFC6587 3.4.1), any
 * other ends at '\n' (non-transparent framing); each message is detected on
 * its own, like VictoriaLogs does. A message over maxSize bytes throws.
 */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly maxSize: number;

  constructor(maxSize: number) {
    this.maxSize = maxSize;
  }

  /** push adds data and calls onMessage for every complete message. */
  push(chunk: Buffer, onMessage: (msg: string) => void): void {
    let b = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      while (pos < b.length && (b[pos] === 10 || b[pos] === 13 || b[pos] === 32)) pos++;
      if (pos >= b.length) break;
      const c = b[pos]!;
      if (c >= 48 && c <= 57) {
        let i = pos;
        let n = 0;
        while (i < b.length && b[i]! >= 48 && b[i]! <= 57 && i - pos < 10) n = n * 10 + (b[i++]! - 48);
        if (i >= b.length) break;
        if (b[i] !== 32) throw new Error(`cannot parse octet-counted syslog message: want a space after the length ${JSON.stringify(b.toString("latin1", pos, i + 1))}`);
        if (n > this.maxSize) throw new Error(`too long octet-counted syslog message: ${n} bytes exceed -insert.maxLineSizeBytes=${this.maxSize}`);
        if (i + 1 + n > b.length) break;
        onMessage(b.toString("utf8", i + 1, i + 1 + n));
        pos = i + 1 + n;
        continue;
      }
      const nl = b.indexOf(10, pos);
      if (nl < 0) break;
      onMessage(b.toString("utf8", pos, nl));
      pos = nl + 1;
    }
    b = b.subarray(pos);
    if (b.length > this.maxSize + 16) throw new Error(`too long syslog message: more than -insert.maxLineSizeBytes=${this.maxSize} bytes without a newline`);
    this.buf = b.length === 0 ? Buffer.alloc(0) : Buffer.from(b);
  }

  /** end returns the unterminated last message, if any. */
  end(): string | undefined {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    if (b.length === 0) return undefined;
    // An unfinished octet-counted message is dropped; a line without '\n' is a message.
    if (b[0]! >= 48 && b[0]! <= 57 && /^\d+ /.test(b.toString("latin1", 0, 12))) return undefined;
    return b.toString("utf8");
  }
}

/** SyslogTcpServer is a running syslog TCP listener. */
export class SyslogTcpServer {
  readonly port: number;
  private readonly server: net.Server;
  private readonly conns = new Set<net.Socket>();

  private constructor(server: net.Server) {
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** start listens on addr and stores the messages with params. */
  static async start(addr: string, ingester: LogIngester, params: CommonParams, useLocalTimestamp = false): Promise<SyslogTcpServer> {
    const { host, port } = parseListenAddr(addr);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => { server.off("error", reject); resolve(); });
    }).catch((e: Error) => { throw new Error(`cannot start syslog TCP server at ${addr}: ${e.message}`); });
    const s = new SyslogTcpServer(server);
    server.on("connection", (sock) => s.serve(sock, ingester, params, useLocalTimestamp));
    server.on("error", (e) => logger.error(`syslog TCP server at ${addr}: ${e.message}`));
    logger.info(`started accepting syslog messages at -syslog.listenAddr.tcp=${JSON.stringify(addr)} (port ${s.port})`);
    return s;
  }

  private serve(sock: net.Socket, ingester: LogIngester, params: CommonParams, useLocalTimestamp: boolean): void {
    this.conns.add(sock);
    const remote = `${sock.remoteAddress}:${sock.remotePort}`;
    const h = new SyslogHandler(ingester, params, "tcp", useLocalTimestamp);
    const framer = new SyslogFramer(maxLineSizeBytes.value);
    sock.setKeepAlive(true, 60_000);
    sock.on("data", (chunk: Buffer) => {
      try {
        framer.push(chunk, (m) => h.message(m, remote));
        h.commit();
      } catch (e) {
        h.commit();
        errorsTotal.inc();
        logger.warnRateLimited("vlinsert:syslog:tcp", `syslog TCP connection from ${remote}: ${(e as Error).message}; closing the connection`);
        sock.destroy();
      }
    });
    sock.on("end", () => {
      const last = framer.end();
      if (last !== undefined) h.message(last, remote);
      h.commit();
      sock.end();
    });
    sock.on("error", () => {});
    sock.on("close", () => this.conns.delete(sock));
  }

  /** stop closes the listener and its connections. */
  async stop(): Promise<void> {
    for (const c of this.conns) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * startSyslogListeners starts the listeners of -syslog.listenAddr.tcp and
 * -syslog.listenAddr.udp (none when they are empty). It rejects on bad
 * flags or addresses that cannot be bound.
 */
export async function startSyslogListeners(ingester: LogIngester): Promise<void> {
  checkTimezone(timezone.value);
  const tcp = listenAddrTCP.value.filter((a) => a !== "");
  const udp = listenAddrUDP.value.filter((a) => a !== "");
  for (let i = 0; i < tcp.length; i++) {
    const params = syslogParams(parseTenantFlag("syslog.tenantID.tcp", listAt(tenantTCP.value, i)),
      parseFieldList("syslog.streamFields.tcp", listAt(streamFieldsTCP.value, i)), parseFieldList("syslog.ignoreFields.tcp", listAt(ignoreFieldsTCP.value, i)));
    const local = parseBoolFlag("syslog.useLocalTimestamp.tcp", listAt(useLocalTimestampTCP.value, i));
    tcpServers.push(await SyslogTcpServer.start(tcp[i]!, ingester, params, local));
  }
  for (let i = 0; i < udp.length; i++) {
    const params = syslogParams(parseTenantFlag("syslog.tenantID.udp", listAt(tenantUDP.value, i)),
      parseFieldList("syslog.streamFields.udp", listAt(streamFieldsUDP.value, i)), parseFieldList("syslog.ignoreFields.udp", listAt(ignoreFieldsUDP.value, i)));
    const h = new SyslogHandler(ingester, params, "udp", parseBoolFlag("syslog.useLocalTimestamp.udp", listAt(useLocalTimestampUDP.value, i)));
    udpServers.push(await UdpServer.start({
      name: "syslog",
      listenAddr: udp[i]!,
      onLines: (data, conn) => {
        h.message(data.toString("utf8"), conn.remoteAddr);
        h.commit();
      },
    }));
  }
}

/** stopSyslogListeners stops every syslog listener. */
export async function stopSyslogListeners(): Promise<void> {
  const t = tcpServers.splice(0), u = udpServers.splice(0);
  await Promise.all([...t.map((s) => s.stop()), ...u.map((s) => s.stop())]);
}

/** syslogPorts returns the bound ports of the running listeners, in flag order (useful with port 0). */
export function syslogPorts(): { tcp: number[]; udp: number[] } {
  return { tcp: tcpServers.map((s) => s.port), udp: udpServers.map((s) => s.port) };
}
