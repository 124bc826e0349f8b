// Package promrelabel: Prometheus / VictoriaMetrics relabeling (relabel_config
// lists as -relabelConfig takes them), with VictoriaMetrics 1.79.5's actions
// and checks: replace, replace_all, keep, drop, keep_if_equal, drop_if_equal,
// hashmod, labelmap, labelmap_all, labeldrop, labelkeep, keep_metrics,
// drop_metrics, uppercase, lowercase and graphite, each with an optional `if`
// series selector; plus -usePromCompatibleNaming's name sanitizing.
//
//   ParsedConfigs.parse(yamlText)         rules, or an Error naming the bad rule
//   new SeriesRelabeler({configs, ...})   labels -> relabeled labels | null (cached per series)
//   new RowsRelabeler().relabelRows(rows, seriesRelabeler)   a storage batch relabeled
//
// Regexes are matched by the linear-time engine of regexutil (anchored as
// "^(?:regex)$"); see submatch.ts for how capture groups are read.

export { ParsedConfigs, applyRule } from "./relabel.ts";
export { parseRelabelConfigs, ACTIONS, type Action, type Rule } from "./config.ts";
export { LabelsBuf, type Label } from "./labels_buf.ts";
export { IfExpression } from "./if_expression.ts";
export { SeriesRelabeler, RowsRelabeler, type SeriesRelabelerOptions, type RowsLike } from "./series_relabeler.ts";
export { sanitizeLabelName, sanitizeMetricName } from "./sanitize.ts";
export { parseYaml, isYamlNull, YamlError, type YamlNode } from "./yaml.ts";
export { SubmatchRegex, UnanchoredRegex, expandTemplate } from "./submatch.ts";
export { GraphiteLabelTemplate, GraphiteMatchTemplate } from "./graphite.ts";
