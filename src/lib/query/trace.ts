// What the evaluator needs of a query tracer (`trace=1`): the app's
// QueryTracer satisfies it. Messages follow VictoriaMetrics 1.79.5's
// (app/vmselect/promql/eval.go).

/** Tracer is one node of a query trace: children are started with newChild and finished with donef. */
export interface Tracer {
  newChild(message: string): Tracer;
  donef(message: string): void;
  printf(message: string): void;
  readonly isDone: boolean;
}

/** formatTraceTime formats a Unix ms timestamp as VictoriaMetrics' trace messages do (Go layout 2006-01-02T15:04:05.999Z). */
export function formatTraceTime(ms: number): string {
  const s = new Date(ms).toISOString();
  // toISOString always has 3 fraction digits; Go's .999 drops trailing zeros.
  return s.replace(/\.?0*Z$/, "Z");
}

/** formatTimeRange is VictoriaMetrics' `[start..end]` of a trace message. */
export function formatTimeRange(start: number, end: number): string {
  return `[${formatTraceTime(start)}..${formatTraceTime(end)}]`;
}

/** limitStringLen shortens s to at most n bytes as VictoriaMetrics does: the head and tail halves joined by "...". */
export function limitStringLen(s: string, n: number): string {
  if (s.length <= n) return s;
  return s.slice(0, n / 2) + "..." + s.slice(s.length - n / 2);
}
