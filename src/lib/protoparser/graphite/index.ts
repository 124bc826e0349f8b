// Graphite plaintext protocol as VictoriaMetrics accepts it on -graphiteListenAddr.
// See README.md beside this file for the rules.
export {
  parseLine,
  parseLines,
  parseMetricAndTags,
  sanitizeMetricName,
  defaultGraphiteOptions,
  type GraphiteOptions,
} from "./parser.ts";
