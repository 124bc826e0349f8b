// Test helper: every way this package can match a pattern, to check they agree.

import { alphabetFor } from "./alphabet.ts";
import { compileAnchored } from "./anchored_regex.ts";
import { LazyDfa } from "./dfa.ts";
import { NfaMatcher } from "./nfa.ts";
import { FLAG_DOT_NL, parse } from "./parser.ts";
import { compile } from "./program.ts";
import { simplify, stripAnchors } from "./simplify.ts";

/** Engines holds independent matchers for one pattern. */
export interface Engines {
  /** the public matcher (fast path or DFA) */
  api: (s: string) => boolean;
  /** NFA simulation of the unsimplified tree */
  nfa: (s: string) => boolean;
  /** lazy DFA of the simplified, anchor-stripped tree */
  dfa: (s: string) => boolean;
  /** lazy DFA with a tiny cache, to exercise flushing and the NFA fallback */
  tinyDfa: (s: string) => boolean;
}

/** engines builds all matchers for re (throws RegexSyntaxError like compileAnchored). */
export function engines(re: string, dotAll = false): Engines {
  const api = compileAnchored(re, { dotAll });
  const flags = dotAll ? FLAG_DOT_NL : 0;
  const rawProg = compile(parse(re, flags), re);
  const nfa = new NfaMatcher(rawProg, alphabetFor(rawProg));
  const prog = compile(stripAnchors(simplify(parse(re, flags))), re);
  const dfa = new LazyDfa(prog, alphabetFor(prog));
  const tiny = new LazyDfa(prog, alphabetFor(prog), 1);
  return {
    api: (s) => api.matches(s),
    nfa: (s) => nfa.matches(s),
    dfa: (s) => dfa.matches(s),
    tinyDfa: (s) => tiny.matches(s),
  };
}

/** matchAll runs every engine on s and returns the common answer, or a description of the disagreement. */
export function matchAll(e: Engines, s: string): boolean | string {
  const api = e.api(s);
  const nfa = e.nfa(s);
  const dfa = e.dfa(s);
  const tiny = e.tinyDfa(s);
  if (api === nfa && nfa === dfa && dfa === tiny) return api;
  return `engines disagree: api=${api} nfa=${nfa} dfa=${dfa} tinyDfa=${tiny}`;
}
