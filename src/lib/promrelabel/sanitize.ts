// Prometheus-compatible naming (-usePromCompatibleNaming): characters that
// Prometheus does not allow in metric names and label names become "_".
// See https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels

const BAD_METRIC_CHARS = /[^a-zA-Z0-9_:]/gu;
const BAD_LABEL_CHARS = /[^a-zA-Z0-9_]/gu;
const OK_METRIC = /^[a-zA-Z0-9_:]*$/;
const OK_LABEL = /^[a-zA-Z0-9_]*$/;

/** sanitizeMetricName replaces every code point other than [a-zA-Z0-9_:] in name with "_". */
export function sanitizeMetricName(name: string): string {
  return OK_METRIC.test(name) ? name : name.replace(BAD_METRIC_CHARS, "_");
}

/** sanitizeLabelName replaces every code point other than [a-zA-Z0-9_] in name with "_". */
export function sanitizeLabelName(name: string): string {
  return OK_LABEL.test(name) ? name : name.replace(BAD_LABEL_CHARS, "_");
}
