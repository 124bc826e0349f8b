import { test } from "node:test";
import assert from "node:assert/strict";
import { parseListenAddr } from "./listen_addr.ts";

test("parseListenAddr accepts VM listen addresses", () => {
  const f = (addr: string, host: string | undefined, port: number) =>
    assert.deepEqual(parseListenAddr(addr), { host, port }, `addr=${JSON.stringify(addr)}`);
  f(":8428", undefined, 8428);
  f("127.0.0.1:8428", "127.0.0.1", 8428);
  f("0.0.0.0:80", "0.0.0.0", 80);
  f("[::1]:8428", "::1", 8428);
  f("[::]:9428", "::", 9428);
  f("localhost:0", "localhost", 0);
  f(":65535", undefined, 65535);
  f("[fe80::1%eth0]:1", "fe80::1%eth0", 1);
});

test("parseListenAddr rejects bad addresses", () => {
  const f = (addr: string, wantFragment: string) =>
    assert.throws(() => parseListenAddr(addr), (e: Error) => {
      assert.ok(e instanceof RangeError, `addr=${JSON.stringify(addr)}: want RangeError, got ${e}`);
      assert.match(e.message, new RegExp(wantFragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), `addr=${JSON.stringify(addr)}`);
      assert.ok(e.message.startsWith(`cannot parse listen address ${JSON.stringify(addr)}: `), `addr=${JSON.stringify(addr)}: ${e.message}`);
      return true;
    });
  f("", "missing port");
  f("8428", "missing port");
  f("localhost", "missing port");
  f("localhost:", 'got port ""');
  f(":http", 'got port "http"');
  f(":-1", 'got port "-1"');
  f(":65536", "must not exceed 65535");
  f(":123456", 'got port "123456"');
  f("::1:8428", "too many colons");
  f("[::1:8428", "missing ']'");
  f("[127.0.0.1]:80", "brackets are only for IPv6");
  f("a b:80", "whitespace");
  f("host]:80", "unexpected bracket");
});
