// regexp_literals: ASCII literals that every match of a LogsQL regexp contains, so
// that a byte search (or a bloom filter check of the tokens inside them) can reject
// values before the regexp runs. The extraction is conservative: when in doubt, fewer
// (or no) literals.

import { isTokenChar } from "../logstorage/index.ts";

/**
 * requiredLiterals returns ASCII strings every value matched by re (RE2 syntax,
 * unanchored) contains; [] when none are known. Only the top level of the
 * pattern is read: groups and classes break literals, a quantified character
 * is dropped, and any top-level alternation or case-insensitive flag gives [].
 */
export function requiredLiterals(re: string): string[] {
  if (/\(\?[a-zA-Z-]*i/.test(re)) return [];
  const out: string[] = [];
  let run = "";
  const endRun = (): void => {
    if (run !== "") out.push(run);
    run = "";
  };
  let i = 0;
  while (i < re.length) {
    const c = re[i]!;
    switch (c) {
      case "|":
        return [];
      case "(": {
        endRun();
        const j = skipGroup(re, i);
        if (j < 0) return out;
        i = j;
        continue;
      }
      case "[": {
        endRun();
        const j = skipClass(re, i);
        if (j < 0) return out;
        i = j;
        continue;
      }
      case "*":
      case "?":
      case "{":
        // The character before may be absent.
        run = run.slice(0, -1);
        endRun();
        if (c === "{") {
          const j = re.indexOf("}", i);
          if (j < 0) return out;
          i = j + 1;
        } else i++;
        continue;
      case "+":
        endRun();
        i++;
        continue;
      case ".":
      case "^":
      case "$":
      case ")":
      case "]":
      case "}":
        endRun();
        i++;
        continue;
      case "\\": {
        const e = re[i + 1];
        if (e === undefined) return [];
        const code = e.charCodeAt(0);
        // Escaped punctuation is that character; anything else (classes, \Q, \x...) ends the extraction.
        if (code >= 0x80 || /[0-9A-Za-z]/.test(e)) {
          endRun();
          return out;
        }
        run += e;
        i += 2;
        continue;
      }
      default:
        if (c.charCodeAt(0) >= 0x80) {
          // Keep the literals ASCII: a non-ASCII character (and what may follow it as a quantifier) is skipped.
          endRun();
          i++;
          continue;
        }
        run += c;
        i++;
    }
  }
  endRun();
  return out;
}

// skipGroup returns the index after the group starting at re[i] === "(", or -1.
function skipGroup(re: string, i: number): number {
  let depth = 0;
  while (i < re.length) {
    const c = re[i]!;
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[") {
      const j = skipClass(re, i);
      if (j < 0) return -1;
      i = j;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

// skipClass returns the index after the class starting at re[i] === "[", or -1.
function skipClass(re: string, i: number): number {
  i++;
  if (re[i] === "^") i++;
  if (re[i] === "]") i++;
  while (i < re.length) {
    const c = re[i]!;
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "[" && re[i + 1] === ":") {
      const j = re.indexOf(":]", i + 2);
      if (j < 0) return -1;
      i = j + 2;
      continue;
    }
    if (c === "]") return i + 1;
    i++;
  }
  return -1;
}

/** wholeTokens returns the tokens of lit that are bounded by non-token characters inside lit (so whole in any value containing lit). */
export function wholeTokens(lit: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= lit.length; i++) {
    const tok = i < lit.length && isTokenChar(lit.charCodeAt(i));
    if (tok) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (start > 0 && i < lit.length) out.push(lit.slice(start, i));
      start = -1;
    }
  }
  return out;
}
