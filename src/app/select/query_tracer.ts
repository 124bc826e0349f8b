// Query tracing for `trace=1`: a tree of timed messages returned as the
// `trace` member of an answer, in VictoriaMetrics' JSON shape
// (lib/querytracer in 1.79.5):
//   {"duration_msec":1.234,"message":"...","children":[{...}, ...]}
// See https://docs.victoriametrics.com/#query-tracing .

import * as flags from "../../lib/flagutil/index.ts";

const denyQueryTracing = flags.bool("denyQueryTracing", false, "Whether to disable the ability to trace queries. See https://docs.victoriametrics.com/#query-tracing");

/** TraceSpan is one node of a finished trace, as serialized. */
export interface TraceSpan {
  duration_msec: number;
  message: string;
  children?: TraceSpan[];
}

/**
 * QueryTracer records one operation: a message, its start and end, and the
 * operations it ran (children) in order. Create the root with
 * QueryTracer.create, children with newChild (finished with done/donef) and
 * instant notes with printf. Once done, a tracer takes no more children.
 * Every method is also safe to call through an optional reference
 * (`qt?.printf(...)`), which is how untraced requests skip the work.
 */
export class QueryTracer {
  private readonly startTime: number;
  private doneTime = -1;
  private message: string;
  private readonly children: QueryTracer[] = [];

  private constructor(message: string, startTime: number, doneTime = -1) {
    this.message = message;
    this.startTime = startTime;
    this.doneTime = doneTime;
  }

  /** create returns a root tracer with message, or undefined when tracing is off for this request or denied by -denyQueryTracing. */
  static create(enabled: boolean, message: string): QueryTracer | undefined {
    if (!enabled || denyQueryTracing.value) return undefined;
    return new QueryTracer(message, performance.now());
  }

  /** newChild starts a child operation; finish it with done or donef. */
  newChild(message: string): QueryTracer {
    this.checkOpen("newChild");
    const c = new QueryTracer(message, performance.now());
    this.children.push(c);
    return c;
  }

  /** printf adds an instant note; its duration is the time since the previous sibling ended. */
  printf(message: string): void {
    this.checkOpen("printf");
    const now = performance.now();
    this.children.push(new QueryTracer(message, now, now));
  }

  /** done finishes the operation. */
  done(): void {
    this.checkOpen("done");
    this.doneTime = performance.now();
  }

  /** donef finishes the operation, appending ": " + message to its message. */
  donef(message: string): void {
    this.checkOpen("donef");
    this.message += ": " + message;
    this.doneTime = performance.now();
  }

  /** isDone reports whether done or donef was called. */
  get isDone(): boolean {
    return this.doneTime >= 0;
  }

  private checkOpen(what: string): void {
    if (this.doneTime >= 0) throw new Error(`BUG: ${what}() cannot be called after done(${JSON.stringify(this.message)})`);
  }

  /** toSpan returns the tree; an unfinished operation ends with its last child and says "missing done() call". */
  toSpan(): TraceSpan {
    return this.spanOf(this.startTime)[0];
  }

  private spanOf(prevTime: number): [TraceSpan, number] {
    if (this.doneTime === this.startTime) {
      return [{ duration_msec: msec(this.startTime - prevTime), message: this.message }, this.doneTime];
    }
    let message = this.message;
    let doneTime = this.doneTime;
    if (doneTime < 0) {
      message += ": missing done() call";
      doneTime = this.lastChildDoneTime(this.startTime);
    }
    const span: TraceSpan = { duration_msec: msec(doneTime - this.startTime), message };
    if (this.children.length > 0) {
      span.children = [];
      let prev = this.startTime;
      for (const c of this.children) {
        const [s, t] = c.spanOf(prev);
        span.children.push(s);
        prev = t;
      }
    }
    return [span, doneTime];
  }

  private lastChildDoneTime(def: number): number {
    const last = this.children[this.children.length - 1];
    if (last === undefined) return def;
    return last.doneTime >= 0 ? last.doneTime : last.lastChildDoneTime(last.startTime);
  }

  /** toJSON returns the trace as VictoriaMetrics serializes it (Go's encoding/json: <, > and & escaped). */
  toJSON(): string {
    return JSON.stringify(this.toSpan()).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  }
}

// msec rounds a duration to whole microseconds, in milliseconds.
function msec(ms: number): number {
  return Math.max(0, Math.round(ms * 1000)) / 1000;
}

export { formatTimeRange, formatTraceTime } from "../../lib/query/index.ts";
