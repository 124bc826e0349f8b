import { test } from "node:test";
import assert from "node:assert/strict";
import { joinProxyPath, parseVMAlertProxyURL, proxyTargetPath } from "./vmalert_proxy.ts";

test("joinProxyPath", () => {
  const f = (a: string, b: string, want: string) => assert.equal(joinProxyPath(a, b), want, `a=${a} b=${b}`);
  f("/base", "/x", "/base/x");
  f("/base/", "/x", "/base/x");
  f("/base", "x", "/base/x");
  f("/base/", "x", "/base/x");
});

test("proxyTargetPath", () => {
  const f = (target: string, uri: string, prefix: string, want: string) =>
    assert.equal(proxyTargetPath(new URL(target), uri, prefix), want, `target=${target} uri=${uri} prefix=${prefix}`);
  f("http://vmalert:8880", "/api/v1/rules", "", "/api/v1/rules");
  f("http://vmalert:8880/", "/vmalert/api/v1/alerts?a=b", "", "/vmalert/api/v1/alerts?a=b");
  f("http://vmalert:8880/base", "/prometheus/api/v1/rules", "", "/base/prometheus/api/v1/rules");
  f("http://vmalert:8880/base/?t=1", "/rules?x=%20", "", "/base/rules?t=1&x=%20");
  f("http://vmalert:8880?t=1", "/rules", "", "/rules?t=1");
  f("http://vmalert:8880", "/p/vmalert/groups", "/p/", "/vmalert/groups");
  f("http://vmalert:8880", "http://host:1/alerts?q", "", "/alerts?q");
  f("http://vmalert:8880", "/a%2Fb", "", "/a%2Fb");
});

test("parseVMAlertProxyURL", () => {
  const ok = (s: string, host: string) => assert.equal(parseVMAlertProxyURL(s).host, host, s);
  ok("http://vmalert:8880", "vmalert:8880");
  ok("https://[::1]:8880/x", "[::1]:8880");
  const bad = (s: string, re: RegExp) => assert.throws(() => parseVMAlertProxyURL(s), re, s);
  bad("vmalert:8880", /cannot parse -vmalert\.proxyURL="vmalert:8880": got scheme "vmalert"; want http or https/);
  bad("::", /cannot parse -vmalert\.proxyURL="::": got an invalid URL/);
  bad("ftp://x", /got scheme "ftp"/);
});
