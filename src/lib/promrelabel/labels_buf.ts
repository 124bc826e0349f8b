// LabelsBuf: the labels of one series as two parallel string arrays, reused
// from series to series while relabeling (no object per label).

/** Label is a (name, value) pair, as the storage takes them. */
export type Label = readonly [string, string];

/** LabelsBuf holds n labels in names[0..n) / values[0..n); the arrays are reused. */
export class LabelsBuf {
  names: string[] = [];
  values: string[] = [];
  n = 0;

  /** reset loads labels into the buffer. */
  reset(labels: ReadonlyArray<Label>): void {
    const n = labels.length;
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      this.names[i] = l[0];
      this.values[i] = l[1];
    }
    this.n = n;
  }

  /** indexOf returns the position of the first label called name, or -1. */
  indexOf(name: string): number {
    const names = this.names;
    for (let i = 0; i < this.n; i++) if (names[i] === name) return i;
    return -1;
  }

  /** get returns the value of the label called name ("" when missing). */
  get(name: string): string {
    const i = this.indexOf(name);
    return i < 0 ? "" : this.values[i]!;
  }

  /** set sets the first label called name to value, appending it when missing. */
  set(name: string, value: string): void {
    const i = this.indexOf(name);
    if (i >= 0) {
      this.values[i] = value;
      return;
    }
    this.names[this.n] = name;
    this.values[this.n] = value;
    this.n++;
  }

  /** push appends a label without looking for an existing one. */
  push(name: string, value: string): void {
    this.names[this.n] = name;
    this.values[this.n] = value;
    this.n++;
  }

  /** toLabels returns a copy of the labels as pairs. */
  toLabels(): Array<[string, string]> {
    const out: Array<[string, string]> = new Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = [this.names[i]!, this.values[i]!];
    return out;
  }

  /** toString renders the labels like VictoriaMetrics' relabel debug output: name{a="b",...}, sorted. */
  toString(): string {
    const ls = this.toLabels().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let name = "";
    for (const l of ls) if (l[0] === "__name__") name = l[1];
    if (name !== "" && ls.length <= 1) return name;
    const parts: string[] = [];
    for (const l of ls) if (l[0] !== "__name__") parts.push(`${l[0]}=${JSON.stringify(l[1])}`);
    return `${name}{${parts.join(",")}}`;
  }
}
