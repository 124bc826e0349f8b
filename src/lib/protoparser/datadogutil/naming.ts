// Datadog naming: metric name sanitizing and tag splitting, as VictoriaMetrics'
// lib/protoparser/datadogutil does them.

// Datadog keeps ASCII letters, digits, "_" and "." in metric names
// (https://docs.datadoghq.com/metrics/custom_metrics/#naming-custom-metrics); its agents
// also squeeze runs of "_" and drop "_" next to a ".".
const unsupportedChars = /[^0-9a-zA-Z_.]+/g;
const underscores = /_+/g;
const underscoresAroundDot = /_?\._?/g;

/**
 * sanitizeName returns name with every run of characters other than [0-9a-zA-Z_.]
 * replaced by one "_", runs of "_" squeezed to one, and a "_" before or after a "."
 * removed (what -datadog.sanitizeMetricName does).
 */
export function sanitizeName(name: string): string {
  // Agents send the same few thousand names again and again: remember the results.
  let s = sanitized.get(name);
  if (s === undefined) {
    s = name.replace(unsupportedChars, "_").replace(underscores, "_").replace(underscoresAroundDot, ".");
    if (sanitized.size >= maxCached) sanitized.clear();
    sanitized.set(name, s);
  }
  return s;
}

const sanitized = new Map<string, string>();
const maxCached = 100_000;

/**
 * splitTag splits a Datadog tag "name:value" at its first ":"; a tag without ":" gets the
 * value "no_label_value" (https://docs.datadoghq.com/getting_started/tagging/#define-tags).
 */
export function splitTag(tag: string): [string, string] {
  const n = tag.indexOf(":");
  if (n < 0) return [tag, "no_label_value"];
  return [tag.slice(0, n), tag.slice(n + 1)];
}

/**
 * tagLabel returns the label of a series tag: as splitTag, except that a "host" tag
 * becomes "exported_host", since the series' own host is the "host" label.
 */
export function tagLabel(tag: string): [string, string] {
  const l = splitTag(tag);
  if (l[0] === "host") l[0] = "exported_host";
  return l;
}
