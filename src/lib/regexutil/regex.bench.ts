// Matching speed of compileAnchored over 1M short label values, by hand:
//   node_modules/.bin/node src/lib/regexutil/regex.bench.ts
// For reference it also times V8's backtracking RegExp (never used for user
// patterns) and a bare loop that only reads every character.

import { compileAnchored } from "./index.ts";

const N = 1_000_000;
const REPEATS = 3;

function hosts(): string[] {
  const out: string[] = [];
  for (let i = 0; i < N; i++) out.push(`host-${String(i % 20000).padStart(4, "0")}:${9100 + (i % 7)}`);
  return out;
}

function messages(): string[] {
  const words = ["GET", "POST", "/api/v1/query", "/metrics", "200", "500", "ok", "timeout", "error", "fail", "user=42", "ms=17"];
  const out: string[] = [];
  let x = 2463534242;
  for (let i = 0; i < N; i++) {
    const parts: string[] = [];
    for (let k = 0; k < 4; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      parts.push(words[(x >>> 0) % words.length]!);
    }
    out.push(parts.join(" "));
  }
  return out;
}

// flatten forces every string into a flat representation, so the first timed
// loop does not pay for it.
function flatten(values: string[]): number {
  let chars = 0;
  for (const s of values) {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h + s.charCodeAt(i)) | 0;
    chars += s.length + (h & 0);
  }
  return chars;
}

function time(values: string[], match: (s: string) => boolean): { ns: number; matched: number } {
  let best = Infinity;
  let matched = 0;
  for (let r = 0; r < REPEATS; r++) {
    matched = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < values.length; i++) if (match(values[i]!)) matched++;
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return { ns: best, matched };
}

function report(name: string, values: string[], chars: number, match: (s: string) => boolean): void {
  const { ns, matched } = time(values, match);
  console.log(
    `${name.padEnd(52)} ${(ns / chars).toFixed(2).padStart(6)} ns/char ${(ns / values.length).toFixed(1).padStart(7)} ns/string  matched=${matched}`,
  );
}

const sets: [string, string[], string[]][] = [
  ["host values", hosts(), ["host-000[0-9]:.*", "host-[0-9]+:91(00|01)", "host-0001:9100|host-0002:9100", "[a-z]+-\\d+:\\d+"]],
  ["log messages", messages(), [".*error.*", ".*(error|fail).*", "(?i).*ERROR.*", ".*\\berror\\b.*", "GET .*"]],
];
for (const [title, values, patterns] of sets) {
  const chars = flatten(values);
  console.log(`\n${title}: ${values.length} strings, ${(chars / values.length).toFixed(1)} chars on average`);
  report("baseline: read every char", values, chars, (s) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h ^= s.charCodeAt(i);
    return h === -1;
  });
  for (const p of patterns) {
    const r = compileAnchored(p);
    report(`${p} [${r.strategy}]`, values, chars, (s) => r.matches(s));
    const js = new RegExp(`^(?:${p.replace("(?i)", "")})$`, p.startsWith("(?i)") ? "iu" : "u");
    report(`  V8 RegExp for comparison`, values, chars, (s) => js.test(s));
  }
}
