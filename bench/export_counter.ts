// Counts what /api/v1/export returns: samples, distinct series, sum of values.

/**
 * ExportCounter takes a JSON-lines export stream in chunks of any size. A
 * series may come in several lines (VictoriaMetrics writes one per block);
 * series are told apart by their `metric` object as printed.
 */
export class ExportCounter {
  samples = 0;
  lines = 0;
  sum = 0;
  /** lines that are not {"metric":{...},"values":[...],"timestamps":[...]} with equal lengths */
  badLines = 0;
  firstBadLine = "";
  private readonly seriesKeys = new Set<string>();
  private rest: Buffer = Buffer.alloc(0);

  get series(): number {
    return this.seriesKeys.size;
  }

  /** push feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      if (nl > start) this.line(buf.toString("utf8", start, nl));
      start = nl + 1;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
  }

  /** end reads a last line that has no newline. */
  end(): void {
    if (this.rest.length > 0) this.line(this.rest.toString("utf8"));
    this.rest = Buffer.alloc(0);
  }

  private line(text: string): void {
    this.lines++;
    let o: { metric?: unknown; values?: unknown; timestamps?: unknown };
    try {
      o = JSON.parse(text);
    } catch {
      o = {};
    }
    const { metric, values, timestamps } = o;
    const keyEnd = text.indexOf(',"values":');
    if (typeof metric !== "object" || metric === null || !Array.isArray(values) || !Array.isArray(timestamps) || values.length !== timestamps.length || keyEnd < 0) {
      this.badLines++;
      if (this.firstBadLine === "") this.firstBadLine = text.slice(0, 300);
      return;
    }
    this.seriesKeys.add(text.slice(0, keyEnd));
    this.samples += timestamps.length;
    for (const v of values) this.sum += Number(v);
  }
}
