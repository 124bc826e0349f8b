import { test } from "node:test";
import assert from "node:assert/strict";
import { classContains } from "./char_class.ts";
import { SCRIPTS, perlClass, posixClass, unicodeClass } from "./unicode_tables.ts";

test("unicodeClass knows categories, scripts and Go 1.25 names", () => {
  const f = (name: string, inside: string, outside: string) => {
    const t = unicodeClass(name);
    assert.ok(t !== undefined, `name=${name} unknown`);
    assert.equal(classContains(t, inside.codePointAt(0)!), true, `${name} should contain ${inside}`);
    assert.equal(classContains(t, outside.codePointAt(0)!), false, `${name} should not contain ${outside}`);
  };
  f("L", "é", "1");
  f("Letter", "é", "1");
  f("Lu", "É", "é");
  f("uppercase letter", "É", "é");
  f("Ll", "é", "É");
  f("N", "½", "a");
  f("Nd", "٣", "½");
  f("P", "!", "a");
  f("Zs", " ", "\n");
  f("Cc", "\n", " ");
  f("LC", "a", "ª");
  f("Greek", "α", "a");
  f("greek", "α", "a");
  f("GREEK", "α", "a");
  f("Old_Italic", "𐌀", "a");
  f("old italic", "𐌀", "a");
  f("Old-Italic", "𐌀", "a");
  f("Han", "漢", "a");
  f("Latin", "a", "α");
  f("Common", "1", "a");
  f("ASCII", "\x7f", "\x80");
  f("Assigned", "a", "\u0378");
  f("Cn", "\u0378", "a");
  assert.deepEqual(unicodeClass("Any"), [0, 0x10ffff]);
  assert.equal(unicodeClass("Foo"), undefined);
  assert.equal(unicodeClass("Grek"), undefined); // script codes are not Go names
  assert.equal(unicodeClass("Unknown"), undefined);
  assert.equal(unicodeClass("L"), unicodeClass("letter")); // cached and shared
});

test("every listed script is known to this Node", () => {
  const missing = SCRIPTS.filter((s) => {
    try {
      new RegExp(`\\p{Script=${s}}`, "u");
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(missing, []);
});

test("perl and posix classes are ASCII", () => {
  assert.deepEqual(perlClass("d"), [0x30, 0x39]);
  assert.deepEqual(perlClass("D"), [0x30, 0x39]); // the caller negates
  assert.deepEqual(perlClass("s"), [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]);
  assert.equal(perlClass("x"), undefined);
  assert.deepEqual(posixClass("alpha"), [0x41, 0x5a, 0x61, 0x7a]);
  assert.equal(posixClass("foo"), undefined);
  assert.equal(posixClass("constructor"), undefined);
});
