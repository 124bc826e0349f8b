// Parsing of relabeling configs: the YAML list of rules VictoriaMetrics reads
// from -relabelConfig (Prometheus' relabel_config plus VictoriaMetrics'
// actions, `if` and the multi-line regex form), checked as strictly as
// VictoriaMetrics 1.79.5 checks them.

import { GraphiteLabelTemplate, GraphiteMatchTemplate } from "./graphite.ts";
import { IfExpression } from "./if_expression.ts";
import { SubmatchRegex, UnanchoredRegex } from "./submatch.ts";
import { isYamlNull, parseYaml, type YamlNode } from "./yaml.ts";

/** ACTIONS lists the supported values of `action`. */
export const ACTIONS = [
  "replace", "replace_all", "keep", "drop", "keep_if_equal", "drop_if_equal", "hashmod", "labelmap", "labelmap_all",
  "labeldrop", "labelkeep", "keep_metrics", "drop_metrics", "uppercase", "lowercase", "graphite",
] as const;

/** Action is a relabeling action after normalization (keep_metrics and drop_metrics become keep and drop). */
export type Action = Exclude<(typeof ACTIONS)[number], "keep_metrics" | "drop_metrics">;

/** Rule is one parsed relabeling rule. */
export interface Rule {
  readonly action: Action;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly targetLabel: string;
  /** regex is the anchored regex ("(.*)" when the rule has none); regexSet tells whether it was given. */
  readonly regex: SubmatchRegex;
  readonly regexSet: boolean;
  /** unanchored is the regex as written, for replace_all and labelmap_all. */
  readonly unanchored: UnanchoredRegex | undefined;
  readonly modulus: bigint;
  readonly replacement: string;
  readonly ifExpr: IfExpression | undefined;
  readonly graphiteMatch: GraphiteMatchTemplate | undefined;
  readonly graphiteLabels: ReadonlyArray<readonly [string, GraphiteLabelTemplate]>;
  readonly hasCaptureInTarget: boolean;
  readonly hasCaptureInReplacement: boolean;
  /** labelmapPrefix is set for labelmap rules "prefix(.*)" / "prefix(.+)" with replacement "$1": the prefix and whether the rest may be empty. */
  readonly labelmapPrefix: { prefix: string; allowEmpty: boolean } | undefined;
  /** literal is set when the regex is a plain literal string (exact comparison). */
  readonly literal: string | undefined;
  /** text is the rule as one line, for messages. */
  readonly text: string;
}

const FIELDS = new Set(["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action", "if", "match", "labels"]);

const DEFAULT_REGEX = "(.*)";

/**
 * parseRelabelConfigs parses YAML text holding a list of relabeling rules.
 * An empty document gives no rules. It throws an Error whose message says
 * what is wrong and in which rule ("cannot parse relabel config #2: ...").
 */
export function parseRelabelConfigs(text: string): Rule[] {
  const doc = parseYaml(text);
  if (isYamlNull(doc)) return [];
  if (doc.kind !== "seq") throw new Error(`cannot parse relabel configs: got ${describe(doc)}; want a list of rules`);
  const rules: Rule[] = [];
  doc.items.forEach((item, i) => {
    try {
      rules.push(parseRule(item));
    } catch (e) {
      throw new Error(`cannot parse relabel config #${i + 1} (line ${item.line}): ${(e as Error).message}`);
    }
  });
  return rules;
}

function describe(n: YamlNode): string {
  return n.kind === "scalar" ? `scalar ${JSON.stringify(n.value)}` : n.kind === "seq" ? "a list" : "a mapping";
}

function scalarString(field: string, n: YamlNode): string {
  if (n.kind !== "scalar") throw new Error(`cannot unmarshal \`${field}\`: got ${describe(n)}; want a string`);
  return n.value;
}

// regexString turns the `regex` value into a pattern: a list is joined with "|" (VictoriaMetrics' multi-line form).
function regexString(n: YamlNode): string {
  if (n.kind === "scalar") return isYamlNull(n) ? "null" : n.value;
  if (n.kind === "seq") return n.items.map(regexString).join("|");
  throw new Error("cannot unmarshal `regex`: got a mapping; want a string or a list of strings");
}

function parseRule(node: YamlNode): Rule {
  if (node.kind !== "map") throw new Error(`got ${describe(node)}; want a mapping with fields such as source_labels, target_label, regex, action`);
  const f = new Map<string, YamlNode>();
  for (const [k, v] of node.entries) {
    if (!FIELDS.has(k)) throw new Error(`unknown field \`${k}\`; want one of ${[...FIELDS].join(", ")}`);
    // A null value (`regex:` with nothing after it) leaves the field unset, as in VictoriaMetrics.
    if (!isYamlNull(v)) f.set(k, v);
  }
  let sourceLabels: string[] = [];
  const sl = f.get("source_labels");
  if (sl !== undefined) {
    if (sl.kind !== "seq") throw new Error(`cannot unmarshal \`source_labels\`: got ${describe(sl)}; want a list of label names`);
    sourceLabels = sl.items.map((x) => scalarString("source_labels", x));
  }
  const separator = f.has("separator") ? scalarString("separator", f.get("separator")!) : ";";
  const targetLabel = f.has("target_label") ? scalarString("target_label", f.get("target_label")!) : "";
  const regexSet = f.has("regex");
  const regexSrc = regexSet ? regexString(f.get("regex")!) : DEFAULT_REGEX;
  let modulus = 0n;
  if (f.has("modulus")) {
    const m = scalarString("modulus", f.get("modulus")!);
    if (!/^[0-9]+$/.test(m) || BigInt(m) > 0xffffffffffffffffn) throw new Error(`cannot unmarshal \`modulus\`: got ${JSON.stringify(m)}; want a non-negative integer`);
    modulus = BigInt(m);
  }
  const replacementSet = f.has("replacement");
  const replacement = replacementSet ? scalarString("replacement", f.get("replacement")!) : "$1";
  const rawAction = f.has("action") ? scalarString("action", f.get("action")!) : "replace";
  const action0 = rawAction === "" ? "replace" : rawAction;
  let ifExpr: IfExpression | undefined;
  if (f.has("if")) ifExpr = IfExpression.parse(scalarString("if", f.get("if")!));
  const matchStr = f.has("match") ? scalarString("match", f.get("match")!) : "";
  const labelsNode = f.get("labels");
  const graphiteLabels: Array<readonly [string, GraphiteLabelTemplate]> = [];
  if (labelsNode !== undefined) {
    if (labelsNode.kind !== "map") throw new Error(`cannot unmarshal \`labels\`: got ${describe(labelsNode)}; want a mapping of label names to templates`);
    for (const [k, v] of labelsNode.entries) graphiteLabels.push([k, new GraphiteLabelTemplate(scalarString("labels", v))]);
  }

  let regex: SubmatchRegex;
  let unanchored: UnanchoredRegex | undefined;
  try {
    regex = new SubmatchRegex(regexSrc);
    if (rawAction === "replace_all" || rawAction === "labelmap_all") unanchored = new UnanchoredRegex(regexSrc);
  } catch (e) {
    throw new Error(`cannot parse \`regex\` ${JSON.stringify(regexSrc)}: ${(e as Error).message}`);
  }

  let action: Action;
  switch (action0) {
    case "graphite":
      if (matchStr === "") throw new Error("missing `match` for `action=graphite`");
      if (graphiteLabels.length === 0) throw new Error("missing `labels` for `action=graphite`");
      if (sourceLabels.length > 0) throw new Error("`source_labels` cannot be used with `action=graphite`");
      if (targetLabel !== "") throw new Error("`target_label` cannot be used with `action=graphite`");
      if (replacementSet) throw new Error("`replacement` cannot be used with `action=graphite`");
      if (regexSet) throw new Error("`regex` cannot be used with `action=graphite`");
      action = "graphite";
      break;
    case "replace":
      if (targetLabel === "") throw new Error("missing `target_label` for `action=replace`");
      action = "replace";
      break;
    case "replace_all":
      if (sourceLabels.length === 0) throw new Error("missing `source_labels` for `action=replace_all`");
      if (targetLabel === "") throw new Error("missing `target_label` for `action=replace_all`");
      action = "replace_all";
      break;
    case "keep_if_equal":
    case "drop_if_equal":
      if (sourceLabels.length < 2) throw new Error(`\`source_labels\` must contain at least two entries for \`action=${action0}\`; got ${JSON.stringify(sourceLabels)}`);
      action = action0;
      break;
    case "keep":
    case "drop":
      if (sourceLabels.length === 0 && ifExpr === undefined) throw new Error(`missing \`source_labels\` for \`action=${action0}\``);
      action = action0;
      break;
    case "hashmod":
      if (sourceLabels.length === 0) throw new Error("missing `source_labels` for `action=hashmod`");
      if (targetLabel === "") throw new Error("missing `target_label` for `action=hashmod`");
      if (modulus < 1n) throw new Error(`unexpected \`modulus\` for \`action=hashmod\`: ${modulus}; must be greater than 0`);
      action = "hashmod";
      break;
    case "keep_metrics":
    case "drop_metrics":
      if ((!regexSet || regexSrc === "") && ifExpr === undefined) throw new Error(`\`regex\` must be non-empty for \`action=${action0}\``);
      if (sourceLabels.length > 0) throw new Error(`\`source_labels\` must be empty for \`action=${action0}\`; got ${JSON.stringify(sourceLabels)}`);
      sourceLabels = ["__name__"];
      action = action0 === "keep_metrics" ? "keep" : "drop";
      break;
    case "uppercase":
    case "lowercase":
      if (sourceLabels.length === 0) throw new Error(`missing \`source_labels\` for \`action=${action0}\``);
      if (targetLabel === "") throw new Error(`missing \`target_label\` for \`action=${action0}\``);
      action = action0;
      break;
    case "labelmap":
    case "labelmap_all":
    case "labeldrop":
    case "labelkeep":
      action = action0;
      break;
    default:
      throw new Error(`unknown \`action\` ${JSON.stringify(action0)}; want one of ${ACTIONS.join(", ")}`);
  }
  if (action !== "graphite") {
    if (matchStr !== "") throw new Error(`\`match\` config cannot be applied to \`action=${action}\`; it is applied only to \`action=graphite\``);
    if (graphiteLabels.length > 0) throw new Error(`\`labels\` config cannot be applied to \`action=${action}\`; it is applied only to \`action=graphite\``);
  }

  let labelmapPrefix: Rule["labelmapPrefix"];
  const lp = regex.re.literalPrefix;
  if (replacement === "$1" && (regexSrc === lp + "(.*)" || regexSrc === lp + "(.+)") && !/[\\.+*?()|[\]{}^$]/.test(lp)) {
    labelmapPrefix = { prefix: lp, allowEmpty: regexSrc.endsWith("(.*)") };
  }
  const literal = regex.re.strategy === "literal" && regex.re.orValues?.length === 1 && !/[\\.+*?()|[\]{}^$]/.test(regexSrc) ? regexSrc : undefined;

  const parts: string[] = [`action=${action0}`];
  if (sourceLabels.length > 0) parts.push(`source_labels=${JSON.stringify(sourceLabels)}`);
  if (targetLabel !== "") parts.push(`target_label=${JSON.stringify(targetLabel)}`);
  if (regexSet) parts.push(`regex=${JSON.stringify(regexSrc)}`);
  if (replacementSet) parts.push(`replacement=${JSON.stringify(replacement)}`);
  if (ifExpr !== undefined) parts.push(`if=${JSON.stringify(ifExpr.source)}`);
  if (matchStr !== "") parts.push(`match=${JSON.stringify(matchStr)}`);

  return {
    action,
    sourceLabels,
    separator,
    targetLabel,
    regex,
    regexSet,
    unanchored,
    modulus,
    replacement,
    ifExpr,
    graphiteMatch: matchStr !== "" ? new GraphiteMatchTemplate(matchStr) : undefined,
    graphiteLabels,
    hasCaptureInTarget: targetLabel.includes("$"),
    hasCaptureInReplacement: replacement.includes("$"),
    labelmapPrefix,
    literal,
    text: parts.join(", "),
  };
}
