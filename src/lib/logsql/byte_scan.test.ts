import fc from "fast-check";
import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesPhraseFilter, bytesSubstringFilter, type StringColumnBytes } from "./byte_scan.ts";
import { matchFilterBitmap, matchPhrase, type ColumnSource } from "./filter_eval.ts";
import { parseQuery } from "./parser.ts";
import { requiredLiterals } from "./regexp_literals.ts";

function column(values: readonly string[]): StringColumnBytes {
  const bufs = values.map((v) => Buffer.from(v, "utf8"));
  const offs = new Uint32Array(values.length + 1);
  for (let i = 0; i < bufs.length; i++) offs[i + 1] = offs[i]! + bufs[i]!.length;
  return { data: Buffer.concat(bufs), offs };
}

function expected(values: readonly string[], sel: readonly number[], m: (s: string) => boolean): string {
  return values.map((v, i) => (sel[i] && m(v) ? 1 : 0)).join("");
}

test("bytesPhraseFilter matches whole words like matchPhrase", () => {
  const f = (values: string[], phrase: string, want: string) => {
    const bm = new Uint8Array(values.length).fill(1);
    bytesPhraseFilter(column(values), phrase, bm, (s) => matchPhrase(s, phrase));
    assert.equal([...bm].join(""), want, `${JSON.stringify(values)} ${phrase}`);
  };
  f(["a segfault b", "segfaults", "xsegfault", "segfault", "", "é segfault", "éxsegfault", "segfaulté"], "segfault", "10010100");
  f(["connection refused", "connection  refused", "xconnection refused", "a connection refused!"], "connection refused", "1001");
  f(["ab", "a", "b"], "ab", "100");
  f(["x-", "-x", "--"], "-", "111");
});

const chars = fc.constantFrom("a", "b", " ", "-", "é", "ab", "ba", "1", "\n", "😀", "Ж");
const value = fc.array(chars, { maxLength: 8 }).map((a) => a.join(""));

test("fast-check: byte filters agree with the string matchers", () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), fc.constantFrom("a", "ab", "a b", "b-", "-", "1", " a"), fc.array(fc.constantFrom(0, 1, 1), { minLength: 12, maxLength: 12 }), (values, pat, sel0) => {
      const sel = values.map((_, i) => sel0[i]!);
      const col = column(values);
      let bm = Uint8Array.from(sel);
      bytesPhraseFilter(col, pat, bm, (s) => matchPhrase(s, pat));
      assert.equal([...bm].join(""), expected(values, sel, (s) => matchPhrase(s, pat)), `phrase ${pat}`);
      bm = Uint8Array.from(sel);
      bytesSubstringFilter(col, pat, bm);
      assert.equal([...bm].join(""), expected(values, sel, (s) => s.includes(pat)), `substring ${pat}`);
    }),
    { numRuns: 500 },
  );
});

test("requiredLiterals finds literals every match contains", () => {
  const f = (re: string, want: string[]) => assert.deepEqual(requiredLiterals(re), want, re);
  f("HTTP/1.1 5[0-9][0-9] ", ["HTTP/1", "1 5", " "]);
  f("abc", ["abc"]);
  f("ab?c", ["a", "c"]);
  f("ab*c+d", ["a", "c", "d"]);
  f("ab{2}c", ["a", "c"]);
  f("a|b", []);
  f("(?i)abc", []);
  f("x(a|b)y", ["x", "y"]);
  f("x[ab|]y", ["x", "y"]);
  f("x[[:alpha:]]y", ["x", "y"]);
  f("a\\.b\\d+c", ["a.b"]);
  f("^foo$", ["foo"]);
  f("fooé?bar", ["foo", "bar"]);
});

const reParts = fc.constantFrom("a", "b", "ab", ".", "a?", "b*", "a+", "[ab]", "(a|b)", "x", "\\.", "-", " ", "(ab)?", "a{2}", "b{0,1}", "é", "xa");
const filterValue = fc.array(fc.constantFrom("a", "b", "x", ".", "-", " ", "é", "xa"), { maxLength: 8 }).map((a) => a.join(""));

// The same rows as a plain source, as raw string bytes, and as a dict column.
function sources(values: readonly string[]): ColumnSource[] {
  const plain: ColumnSource = { rowsCount: values.length, values: () => values };
  const bytes: ColumnSource = { ...plain, stringColumnBytes: (name) => (name === "f" ? column(values) : undefined) };
  const dict = [...new Set(values)];
  const sources = [plain, bytes];
  if (dict.length <= 255) sources.push({ ...plain, dictColumn: (name) => (name === "f" ? { dict, idx: Uint8Array.from(values.map((v) => dict.indexOf(v))) } : undefined) });
  return sources;
}

test("fast-check: filters on raw bytes and dict columns answer as on strings", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.array(reParts, { minLength: 1, maxLength: 6 }).map((a) => `f:~${JSON.stringify(a.join(""))}`),
        fc.constantFrom("f:a", 'f:"a b"', "f:xa", "f:*a*", 'f:"-"', "f:ab*", "f:é", "f:=xa", "f:in(a, xa)"),
      ),
      fc.array(filterValue, { minLength: 1, maxLength: 10 }),
      (q, values) => {
        const filter = parseQuery(q, 0n).filter;
        const [plain, ...others] = sources(values);
        const want = [...matchFilterBitmap(filter, plain!)].join("");
        for (const src of others) assert.equal([...matchFilterBitmap(filter, src)].join(""), want, `${q} over ${JSON.stringify(values)}`);
      },
    ),
    { numRuns: 800 },
  );
});
