import { test } from "node:test";
import assert from "node:assert/strict";
import * as flags from "../flagutil/index.ts";
import { writePrometheus } from "../metrics/index.ts";
import { request, withServer } from "./_test_client.ts";
import { checkAuthKey, isProtectedByAuthKey, parseBasicAuth } from "./auth.ts";
import { sendText } from "./response.ts";

test("parseBasicAuth", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const f = (header: string, want: { username: string; password: string } | undefined) =>
    assert.deepEqual(parseBasicAuth(header), want, `header=${JSON.stringify(header)}`);
  f(`Basic ${b64("u:p")}`, { username: "u", password: "p" });
  f(`basic ${b64("u:p:q")}`, { username: "u", password: "p:q" });
  f(`BASIC ${b64(":")}`, { username: "", password: "" });
  f(`Basic ${b64("üser:pässword")}`, { username: "üser", password: "pässword" });
  f(`Basic ${b64("nocolon")}`, undefined);
  f("Basic !!!", undefined);
  f(`Bearer ${b64("u:p")}`, undefined);
  f("", undefined);
});

test("isProtectedByAuthKey lists the paths that check their own authKey", () => {
  const f = (path: string, want: boolean) => assert.equal(isProtectedByAuthKey(path), want, `path=${path}`);
  f("/snapshot/create", true);
  f("/internal/force_merge", true);
  f("/internal/force_flush", true);
  f("/api/v1/admin/tsdb/delete_series", true);
  f("/internal/resetRollupResultCache", true);
  f("/-/reload", true);
  f("/config", true);
  f("/api/v1/query", false);
  f("/api/v1/import", false);
  f("/metrics", false);
});

test("checkAuthKey: the key from the query or POST body, else Basic Auth", async () => {
  const user = flags.lookup("httpAuth.username")!;
  let key = "k3y";
  await withServer(async (req, res) => {
    if (!(await checkAuthKey(req, res, key, "snapshotAuthKey"))) return true;
    sendText(res, 200, "created");
    return true;
  }, async (port) => {
    const f = async (path: string, body: string | undefined, status: number, wantBody: string) => {
      const r = await request(port, path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      assert.deepEqual([r.status, r.body.toString()], [status, wantBody], `path=${path} body=${body} key=${key}`);
    };
    const wrongKeyBefore = writePrometheus().match(/vm_http_request_errors_total\{path="\*", reason="wrong_auth_key"\} (\d+)/)?.[1] ?? "0";
    await f("/snapshot/create", undefined, 401, "Expected to receive non-empty authKey when -snapshotAuthKey is set\n");
    await f("/snapshot/create?authKey=bad", undefined, 401, "The provided authKey doesn't match -snapshotAuthKey\n");
    await f("/snapshot/create?authKey=k3y", undefined, 200, "created");
    await f("/snapshot/create", "authKey=k3y", 200, "created");
    const wrongKeyAfter = writePrometheus().match(/vm_http_request_errors_total\{path="\*", reason="wrong_auth_key"\} (\d+)/)![1];
    assert.equal(Number(wrongKeyAfter) - Number(wrongKeyBefore), 2);
    // authKey paths skip the server's Basic Auth; with the key empty they fall back to it.
    user.set("admin");
    try {
      await f("/snapshot/create?authKey=k3y", undefined, 200, "created");
      key = "";
      await f("/snapshot/create", undefined, 401, "\n");
    } finally {
      user.set("");
    }
    await f("/snapshot/create", undefined, 200, "created");
  });
});
