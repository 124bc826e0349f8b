import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldList } from "./field_list.ts";
import { flattenJSONValue, parseJSONFields } from "./json_fields.ts";
import { LogParseError } from "./parse_error.ts";

function fieldsOf(fl: FieldList): string {
  return fl.items.map((f) => `${f.name}=${JSON.stringify(f.value)}`).join(" ");
}

test("parseJSONFields: valid objects", () => {
  const f = (s: string, want: string) => {
    const fl = new FieldList();
    parseJSONFields(s, fl);
    assert.equal(fieldsOf(fl), want, `s=${s}`);
  };
  f("{}", "");
  f(' { } ', "");
  f('{"a":"b"}', 'a="b"');
  f('{"a":1,"b":-2.5e3,"c":true,"d":false,"e":null}', 'a="1" b="-2.5e3" c="true" d="false"');
  f('{"a":{"b":{"c":"x"}},"d":"y"}', 'a.b.c="x" d="y"');
  f('{"a":{}}', "");
  f('{"arr":[1, "x", {"k": [true, null]}], "n": 0}', 'arr="[1,\\"x\\",{\\"k\\":[true,null]}]" n="0"');
  f('{"a":"esc\\"aped\\n\\t\\\\\\/\\u00e9\\ud83d\\ude00"}', 'a="esc\\"aped\\n\\t\\\\/é😀"');
  f('{"":"top msg"}', '_msg="top msg"');
  f('{"_msg":"m","k":"ü"}', '_msg="m" k="ü"');
  f('{"a":"1","a":"2"}', 'a="1" a="2"');
  f('\t{"a" : "b" ,\n "c" : [ ] }\r\n', 'a="b" c="[]"');
  f('{"s":"a b  c"}', 's="a b  c"');
});

test("parseJSONFields: too long nested names keep the object as JSON text", () => {
  const long = "k".repeat(130);
  const fl = new FieldList();
  parseJSONFields(`{"o":{"${long}":1, "x": 2},"z":"1"}`, fl);
  assert.equal(fieldsOf(fl), `o="{\\"${long}\\":1,\\"x\\":2}" z="1"`);
});

test("parseJSONFields: invalid input throws LogParseError", () => {
  const f = (s: string) => assert.throws(() => parseJSONFields(s, new FieldList()), LogParseError, `s=${JSON.stringify(s)}`);
  f("");
  f("[]");
  f('"a"');
  f("{");
  f('{"a"}');
  f('{"a":}');
  f('{"a":1,}');
  f('{"a":1 "b":2}');
  f('{"a":01}');
  f('{"a":-}');
  f('{"a":1.}');
  f('{"a":1e}');
  f('{"a":tru}');
  f('{"a":"b\\x"}');
  f('{"a":"b\\u12"}');
  f('{"a":"b');
  f('{"a":[1,2}');
  f('{"a":1}x');
  f('{"a":1}{"b":2}');
  f("{a:1}");
});

test("parseJSONFields agrees with JSON.parse plus flattening", () => {
  const flat = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "" && !k.includes(".")), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null),
    fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => k !== ""), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 })), { maxKeys: 6 });
  fc.assert(fc.property(flat, (obj) => {
    const text = JSON.stringify(obj);
    const a = new FieldList(), b = new FieldList();
    parseJSONFields(text, a);
    flattenJSONValue(JSON.parse(text) as Record<string, unknown>, "", b);
    assert.equal(fieldsOf(a), fieldsOf(b), text);
  }), { numRuns: 1000 });
});

test("parseJSONFields: random and mutated input throws only LogParseError", () => {
  const check = (s: string) => {
    try {
      parseJSONFields(s, new FieldList());
    } catch (e) {
      assert.ok(e instanceof LogParseError, `${String(e)} for ${JSON.stringify(s)}`);
    }
  };
  fc.assert(fc.property(fc.string(), check), { numRuns: 2000 });
  fc.assert(fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (j, at, ins) => {
    const i = at % (j.length + 1);
    check(j.slice(0, i) + ins + j.slice(i + 1));
  }), { numRuns: 2000 });
  check("{".repeat(5000));
  check('{"a":' + "[".repeat(5000));
});
