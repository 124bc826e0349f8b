import assert from "node:assert/strict";
import { test } from "node:test";
import { slowQueryMessage } from "./slow_query_log.ts";

test("slowQueryMessage", () => {
  assert.equal(
    slowQueryMessage(5000, `"127.0.0.1:1234"`, 6543.21, `/api/v1/query?query=up`),
    `slow query according to -search.logSlowQueryDuration=5s: remoteAddr="127.0.0.1:1234", duration=6.543 seconds; requestURI: "/api/v1/query?query=up"`,
  );
});
