// A reusable list of log fields: parsers fill it row after row without
// allocating a field object per field.
import type { LogField } from "./storage_types.ts";

/**
 * FieldList holds the fields of one log row. `items` is the current row;
 * its objects are reused after reset(), so a sink must copy what it keeps
 * (the LogRowsSink contract says it does).
 */
export class FieldList {
  /** items are the fields added since the last reset(). */
  readonly items: LogField[] = [];
  private readonly pool: LogField[] = [];

  /** reset empties the list; the field objects are reused by later add() calls. */
  reset(): void {
    this.items.length = 0;
  }

  /** add appends a field. */
  add(name: string, value: string): void {
    const i = this.items.length;
    let f = this.pool[i];
    if (f === undefined) {
      f = { name, value };
      this.pool.push(f);
    } else {
      f.name = name;
      f.value = value;
    }
    this.items.push(f);
  }

  /** truncate drops the fields after the first n. */
  truncate(n: number): void {
    if (n < this.items.length) this.items.length = n;
  }

  /** get returns the value of the first field named name, or undefined. */
  get(name: string): string | undefined {
    const a = this.items;
    for (let i = 0; i < a.length; i++) if (a[i]!.name === name) return a[i]!.value;
    return undefined;
  }
}
