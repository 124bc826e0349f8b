import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldList } from "./field_list.ts";
import { LogParseError } from "./parse_error.ts";
import { checkTimezone, parseSyslogMessage } from "./syslog.ts";

const NOW_MS = Date.UTC(2026, 10, 26, 12, 0, 0);

function parse(s: string, timezone = "UTC"): [bigint, Record<string, string>] {
  const fl = new FieldList();
  const ts = parseSyslogMessage(s, fl, { timezone, nowMs: NOW_MS });
  return [ts, Object.fromEntries(fl.items.map((f) => [f.name, f.value]))];
}

test("parseSyslogMessage: RFC5424", () => {
  const f = (s: string, wantTs: bigint, want: Record<string, string>) => assert.deepEqual(parse(s), [wantTs, want], s);
  f('<165>1 2023-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App\\"x\\"" eventID="1011"][other a="b"] An application event', 1697062455_003000000n, {
    priority: "165", facility_keyword: "local4", level: "notice", facility: "20", severity: "5", format: "rfc5424",
    hostname: "mymachine.example.com", app_name: "evntslog", proc_id: "1234", msg_id: "ID47",
    "exampleSDID@32473.iut": "3", "exampleSDID@32473.eventSource": 'App"x"', "exampleSDID@32473.eventID": "1011", "other.a": "b",
    _msg: "An application event",
  });
  f("<13>1 2024-01-02T03:04:05.123456+02:00 host app - - - hello world", 1704157445_123456000n, {
    priority: "13", facility_keyword: "user", level: "notice", facility: "1", severity: "5", format: "rfc5424", hostname: "host", app_name: "app", _msg: "hello world",
  });
  f("<0>1 - - - - - -", 0n, { priority: "0", facility_keyword: "kern", level: "emerg", facility: "0", severity: "0", format: "rfc5424" });
  f("<14>1 2024-01-02T03:04:05Z h a p m - \ufeffbom msg", 1704164645_000000000n, {
    priority: "14", facility_keyword: "user", level: "info", facility: "1", severity: "6", format: "rfc5424", hostname: "h", app_name: "a", proc_id: "p", msg_id: "m", _msg: "bom msg",
  });
});

test("parseSyslogMessage: RFC3164", () => {
  const f = (s: string, wantTs: bigint, want: Record<string, string>, tz = "UTC") => assert.deepEqual(parse(s, tz), [wantTs, want], `${s} tz=${tz}`);
  const base = { priority: "34", facility_keyword: "auth", level: "crit", facility: "4", severity: "2", format: "rfc3164" };
  f("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed", BigInt(Date.UTC(2026, 9, 11, 22, 14, 15)) * 1_000_000n, { ...base, hostname: "mymachine", app_name: "su", proc_id: "123", _msg: "'su root' failed" });
  f("<34>Nov  5 01:02:03 host app: msg", BigInt(Date.UTC(2026, 10, 5, 1, 2, 3)) * 1_000_000n, { ...base, hostname: "host", app_name: "app", _msg: "msg" });
  f("<34>Nov  5 01:02:03 host app: msg", BigInt(Date.UTC(2026, 10, 5, 0, 2, 3)) * 1_000_000n, { ...base, hostname: "host", app_name: "app", _msg: "msg" }, "Europe/Berlin");
  // December seen in November is last year's.
  f("<34>Dec 31 23:59:59 host app: msg", BigInt(Date.UTC(2025, 11, 31, 23, 59, 59)) * 1_000_000n, { ...base, hostname: "host", app_name: "app", _msg: "msg" });
  f("<34>2024-01-02T03:04:05Z host app[9]: msg", 1704164645_000000000n, { ...base, hostname: "host", app_name: "app", proc_id: "9", _msg: "msg" });
  f("<34>Oct 11 22:14:15 host just a message", BigInt(Date.UTC(2026, 9, 11, 22, 14, 15)) * 1_000_000n, { ...base, hostname: "host", _msg: "just a message" });
  f("no priority at all", 0n, { format: "rfc3164", _msg: "no priority at all" });
});

test("parseSyslogMessage: bad priority", () => {
  const f = (s: string) => assert.throws(() => parse(s), LogParseError, s);
  f("<192>1 - - - - - -");
  f("<x>msg");
  f("<13");
});

test("parseSyslogMessage: random input throws only LogParseError", () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.string().map((s) => "<13>1 " + s), fc.string().map((s) => "<13>Oct 11 22:14:15 " + s)), (s) => {
    try {
      parse(s);
    } catch (e) {
      assert.ok(e instanceof LogParseError, String(e));
    }
  }), { numRuns: 2000 });
});

test("checkTimezone", () => {
  checkTimezone("Local");
  checkTimezone("America/New_York");
  assert.throws(() => checkTimezone("Mars/Olympus"));
});
