// Prometheus-compatible naming of OpenTelemetry metrics and attributes, as
// VictoriaMetrics applies it with -opentelemetry.usePrometheusNaming (after the
// OpenTelemetry Collector's translator/prometheus normalize_name rules).

/** Metric kinds that the naming rules distinguish. */
export const KIND_GAUGE = 1;
export const KIND_COUNTER = 2;
export const KIND_HISTOGRAM = 3;
export const KIND_SUMMARY = 4;

// OTel unit (UCUM) -> the word appended to the name.
const unitWords: Record<string, string> = {
  d: "days", h: "hours", min: "minutes", s: "seconds", ms: "milliseconds", us: "microseconds", ns: "nanoseconds",
  By: "bytes", KiBy: "kibibytes", MiBy: "mebibytes", GiBy: "gibibytes", TiBy: "tibibytes",
  KBy: "kilobytes", MBy: "megabytes", GBy: "gigabytes", TBy: "terabytes",
  m: "meters", V: "volts", A: "amperes", J: "joules", W: "watts", g: "grams",
  Cel: "celsius", Hz: "hertz", "1": "", "%": "percent",
};

// The unit after "/" -> the word after "per".
const perUnitWords: Record<string, string> = { s: "second", m: "minute", h: "hour", d: "day", w: "week", mo: "month", y: "year" };

function lookup(table: Record<string, string>, k: string): string {
  return Object.hasOwn(table, k) ? table[k]! : k;
}

function moveToEnd(tokens: string[], t: string): void {
  const i = tokens.indexOf(t);
  if (i >= 0) tokens.splice(i, 1);
  tokens.push(t);
}

/**
 * prometheusMetricName returns the Prometheus form of an OpenTelemetry metric name:
 * the name split at "/", "_", ".", "-", ":" and " ", the unit appended as a word
 * ("s" -> "seconds", "By/s" -> "bytes_per_second") unless already present or in
 * braces, "total" moved to the end of counters, "ratio" for gauges of unit "1",
 * joined by "_".
 */
export function prometheusMetricName(name: string, unit: string, kind: number): string {
  const tokens: string[] = [];
  for (const t of name.split(/[/_.\-: ]/)) if (t !== "") tokens.push(t);
  const slash = unit.indexOf("/");
  let main = (slash >= 0 ? unit.slice(0, slash) : unit).trim();
  let per = slash >= 0 ? unit.slice(slash + 1).trim() : "";
  if (main !== "" && !main.includes("{")) {
    main = lookup(unitWords, main);
    if (main !== "" && !tokens.includes(main)) tokens.push(main);
  }
  if (per !== "" && !per.includes("{")) {
    per = lookup(perUnitWords, per);
    if (per !== "" && !tokens.includes(per)) tokens.push("per", per);
  }
  if (kind === KIND_COUNTER) moveToEnd(tokens, "total");
  else if (unit === "1" && kind === KIND_GAUGE) moveToEnd(tokens, "ratio");
  return tokens.join("_");
}

/**
 * prometheusLabelName returns the Prometheus form of an attribute name: characters
 * other than [a-zA-Z0-9_] become "_", a leading digit gets "key_" in front, and (when
 * underscorePrefix) a single leading "_" gets "key" in front; "__"-names are kept.
 */
export function prometheusLabelName(name: string, underscorePrefix: boolean): string {
  if (name === "") return "";
  const s = name.replace(/[^a-zA-Z0-9_]/g, "_");
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) return "key_" + s;
  if (underscorePrefix && c === 95 && s.charCodeAt(1) !== 95) return "key" + s;
  return s;
}
