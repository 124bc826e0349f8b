// Output rows of the rollups that split one input series into a series per
// label value (histogram_over_time's vmrange, quantiles_over_time's phi,
// count_values_over_time's value), created the first time a value appears.

/** LabeledRow is one output row of a label-splitting rollup. */
export interface LabeledRow {
  tags: Array<[string, string]>;
  values: Float64Array;
}

/** LabeledRows collects rows keyed by the value of one label; new rows are all NaN. */
export class LabeledRows {
  readonly label: string;
  readonly points: number;
  private readonly byValue = new Map<string, Float64Array>();

  constructor(label: string, points: number) {
    this.label = label;
    this.points = points;
  }

  /** get returns the row for labelValue, creating it when missing. */
  get(labelValue: string): Float64Array {
    let row = this.byValue.get(labelValue);
    if (row === undefined) {
      row = new Float64Array(this.points).fill(NaN);
      this.byValue.set(labelValue, row);
    }
    return row;
  }

  /** rows returns the rows in creation order. */
  rows(): LabeledRow[] {
    const out: LabeledRow[] = [];
    for (const [value, values] of this.byValue) out.push({ tags: [[this.label, value]], values });
    return out;
  }
}
