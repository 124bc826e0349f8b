import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientDisconnectedError, HttpError, isClientDisconnected } from "./http_error.ts";

test("HttpError carries a 4xx/5xx status", () => {
  const e = new HttpError(413, "too big");
  assert.deepEqual([e.name, e.status, e.message, e instanceof Error], ["HttpError", 413, "too big", true]);
  const f = (status: number) => assert.throws(() => new HttpError(status, "x"), /^Error: BUG: HttpError status must be 4xx or 5xx; got /, `status=${status}`);
  f(200);
  f(399);
  f(600);
  f(400.5);
});

test("ClientDisconnectedError is recognised by name", () => {
  const f = (e: unknown, want: boolean) => assert.equal(isClientDisconnected(e), want, `e=${String(e)}`);
  f(new ClientDisconnectedError(), true);
  f(Object.assign(new Error("x"), { name: "ClientDisconnected" }), true);
  f(new Error("ClientDisconnected"), false);
  f(new HttpError(400, "x"), false);
  f("ClientDisconnected", false);
  assert.equal(new ClientDisconnectedError().name, "ClientDisconnected");
});
