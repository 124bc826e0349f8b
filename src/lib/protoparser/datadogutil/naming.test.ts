import { test } from "node:test";
import assert from "node:assert/strict";
import { sanitizeName, splitTag, tagLabel } from "./naming.ts";

test("sanitizeName", () => {
  const f = (name: string, want: string) => assert.equal(sanitizeName(name), want, `sanitizeName(${JSON.stringify(name)})`);
  f("", "");
  f("foo.bar_baz1", "foo.bar_baz1");
  f("foo-bar", "foo_bar");
  f("foo--bar", "foo_bar");
  f("foo__bar", "foo_bar");
  f("foo_.bar", "foo.bar");
  f("foo._bar", "foo.bar");
  f("foo_._bar", "foo.bar");
  f("foo - . - bar", "foo.bar");
  f("a..b", "a..b");
  f("ünï cödé", "_n_c_d_");
  f("😀x", "_x");
});

test("splitTag and tagLabel", () => {
  const f = (tag: string, want: [string, string], wantLabel: [string, string]) => {
    assert.deepEqual(splitTag(tag), want, `splitTag(${JSON.stringify(tag)})`);
    assert.deepEqual(tagLabel(tag), wantLabel, `tagLabel(${JSON.stringify(tag)})`);
  };
  f("env:prod", ["env", "prod"], ["env", "prod"]);
  f("a:b:c", ["a", "b:c"], ["a", "b:c"]);
  f("novalue", ["novalue", "no_label_value"], ["novalue", "no_label_value"]);
  f(":x", ["", "x"], ["", "x"]);
  f("host:h1", ["host", "h1"], ["exported_host", "h1"]);
  f("host", ["host", "no_label_value"], ["exported_host", "no_label_value"]);
});
