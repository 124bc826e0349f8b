// Applying relabeling rules to the labels of one series, as VictoriaMetrics
// 1.79.5 does for -relabelConfig: the rules in order, then labels with an
// empty name or value and labels starting with "__" (except __name__) are
// removed. A series left without labels is dropped.

import { parseRelabelConfigs, type Rule } from "./config.ts";
import { expandTemplate } from "./submatch.ts";
import { xxhash64 as hash64 } from "../encoding/index.ts";
import type { LabelsBuf } from "./labels_buf.ts";

const encoder = new TextEncoder();

/** ParsedConfigs is an immutable list of parsed relabeling rules. */
export class ParsedConfigs {
  readonly rules: readonly Rule[];

  constructor(rules: readonly Rule[]) {
    this.rules = rules;
  }

  /** parse parses YAML text (see parseRelabelConfigs); it throws an Error naming the bad rule. */
  static parse(text: string): ParsedConfigs {
    return new ParsedConfigs(parseRelabelConfigs(text));
  }

  /** len is the number of rules. */
  get len(): number {
    return this.rules.length;
  }

  /**
   * apply relabels lb in place and returns false when the series is dropped
   * (a rule dropped it or no label is left). The labels left are those with
   * a non-empty name and value that do not start with "__" (__name__ is
   * kept); their order is not defined.
   */
  apply(lb: LabelsBuf): boolean {
    for (const r of this.rules) {
      applyRule(r, lb);
      if (lb.n === 0) return false;
    }
    finalize(lb);
    return lb.n > 0;
  }
}

// finalize removes labels with an empty name or value and "__"-prefixed labels other than __name__.
function finalize(lb: LabelsBuf): void {
  const { names, values } = lb;
  let k = 0;
  for (let i = 0; i < lb.n; i++) {
    const name = names[i]!;
    const value = values[i]!;
    if (name === "" || value === "") continue;
    if (name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95 && name !== "__name__") continue;
    names[k] = name;
    values[k] = value;
    k++;
  }
  lb.n = k;
}

function concatValues(lb: LabelsBuf, names: readonly string[], sep: string): string {
  if (names.length === 1) return lb.get(names[0]!);
  let s = "";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) s += sep;
    s += lb.get(names[i]!);
  }
  return s;
}

function regexMatches(r: Rule, s: string): boolean {
  return r.literal !== undefined ? s === r.literal : r.regex.re.matches(s);
}

/** applyRule applies one rule to lb (exported for tests); an `n` of 0 afterwards means the series is dropped. */
export function applyRule(r: Rule, lb: LabelsBuf): void {
  if (r.ifExpr !== undefined && !r.ifExpr.match(lb)) {
    // keep drops what the `if` does not match; other actions just do not apply.
    if (r.action === "keep") lb.n = 0;
    return;
  }
  switch (r.action) {
    case "graphite": {
      const caps = r.graphiteMatch!.match(lb.get("__name__"));
      if (caps === null) return;
      for (const [name, t] of r.graphiteLabels) lb.set(name, t.expand(caps));
      return;
    }
    case "replace": {
      const src = concatValues(lb, r.sourceLabels, r.separator);
      if (!r.regexSet && !r.hasCaptureInTarget) {
        if (r.replacement === "$1") {
          lb.set(r.targetLabel, src);
          return;
        }
        if (!r.hasCaptureInReplacement) {
          lb.set(r.targetLabel, r.replacement);
          return;
        }
      }
      if (!r.hasCaptureInTarget && !r.hasCaptureInReplacement) {
        if (regexMatches(r, src)) lb.set(r.targetLabel, r.replacement);
        return;
      }
      const caps = r.regex.exec(src);
      if (caps === null) return;
      const name = r.hasCaptureInTarget ? expandTemplate(r.targetLabel, caps, r.regex.names) : r.targetLabel;
      lb.set(name, expandTemplate(r.replacement, caps, r.regex.names));
      return;
    }
    case "replace_all": {
      const src = concatValues(lb, r.sourceLabels, r.separator);
      const u = r.unanchored!;
      if (!u.matchesAnywhere(src)) return;
      lb.set(r.targetLabel, u.replaceAll(src, r.replacement));
      return;
    }
    case "keep_if_equal":
    case "drop_if_equal": {
      const v = lb.get(r.sourceLabels[0]!);
      let equal = true;
      for (let i = 1; i < r.sourceLabels.length; i++) {
        if (lb.get(r.sourceLabels[i]!) !== v) {
          equal = false;
          break;
        }
      }
      if (equal === (r.action === "drop_if_equal")) lb.n = 0;
      return;
    }
    case "keep": {
      if (!r.regexSet) return; // only an `if` decides
      if (!regexMatches(r, concatValues(lb, r.sourceLabels, r.separator))) lb.n = 0;
      return;
    }
    case "drop": {
      if (!r.regexSet || regexMatches(r, concatValues(lb, r.sourceLabels, r.separator))) lb.n = 0;
      return;
    }
    case "hashmod": {
      const h = hash64(encoder.encode(concatValues(lb, r.sourceLabels, r.separator))) % r.modulus;
      lb.set(r.targetLabel, h.toString());
      return;
    }
    case "labelmap": {
      const n = lb.n;
      for (let i = 0; i < n; i++) {
        const name = lb.names[i]!;
        const value = lb.values[i]!;
        const lp = r.labelmapPrefix;
        if (lp !== undefined) {
          if (!name.startsWith(lp.prefix) || (!lp.allowEmpty && name.length === lp.prefix.length)) continue;
          lb.set(name.slice(lp.prefix.length), value);
          continue;
        }
        if (r.literal !== undefined && !r.hasCaptureInReplacement) {
          if (name === r.literal) lb.set(r.replacement, value);
          continue;
        }
        const caps = r.regex.exec(name);
        if (caps !== null) lb.set(expandTemplate(r.replacement, caps, r.regex.names), value);
      }
      return;
    }
    case "labelmap_all": {
      const u = r.unanchored!;
      for (let i = 0; i < lb.n; i++) {
        const name = lb.names[i]!;
        if (u.matchesAnywhere(name)) lb.names[i] = u.replaceAll(name, r.replacement);
      }
      return;
    }
    case "labeldrop":
    case "labelkeep": {
      const keep = r.action === "labelkeep";
      let k = 0;
      for (let i = 0; i < lb.n; i++) {
        const name = lb.names[i]!;
        if (regexMatches(r, name) !== keep) continue;
        lb.names[k] = name;
        lb.values[k] = lb.values[i]!;
        k++;
      }
      lb.n = k;
      return;
    }
    case "uppercase":
      lb.set(r.targetLabel, concatValues(lb, r.sourceLabels, r.separator).toUpperCase());
      return;
    case "lowercase":
      lb.set(r.targetLabel, concatValues(lb, r.sourceLabels, r.separator).toLowerCase());
      return;
    default: {
      const _: never = r.action;
      throw new Error(`BUG: unknown relabeling action ${JSON.stringify(_)}`);
    }
  }
}
