import { test } from "node:test";
import assert from "node:assert/strict";
import * as flags from "../flagutil/index.ts";
import { request, withServer } from "./_test_client.ts";
import { enableCORS } from "./cors.ts";
import { sendText } from "./response.ts";

test("enableCORS allows any origin unless -http.disableCORS", async () => {
  const flag = flags.lookup("http.disableCORS")!;
  await withServer((req, res) => {
    enableCORS(res);
    sendText(res, 200, "x");
    return true;
  }, async (port) => {
    const f = async (method: string, disabled: boolean, wantStatus: number) => {
      flag.set(String(disabled));
      const r = await request(port, "/api/v1/query", { method });
      const what = `method=${method} disabled=${disabled}`;
      assert.equal(r.status, wantStatus, what);
      assert.equal(r.headers["access-control-allow-origin"], disabled ? undefined : "*", what);
      assert.equal(r.headers["access-control-allow-methods"], disabled ? undefined : "*", what);
      assert.equal(r.headers["access-control-allow-headers"], disabled ? undefined : "*", what);
    };
    try {
      await f("GET", false, 200);
      await f("OPTIONS", false, 204);
      await f("GET", true, 200);
      await f("OPTIONS", true, 204);
    } finally {
      flag.set("false");
    }
  });
});
