// Field name filters of the ingestion parameters ignore_fields and
// decolorize_fields: exact names and `prefix*` wildcards.

/**
 * FieldFilter matches field names against a list of exact names and
 * `prefix*` patterns (`*` alone matches every name).
 */
export class FieldFilter {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(patterns: readonly string[] = []) {
    for (const p of patterns) this.add(p);
  }

  /** add adds a pattern: a name, or a prefix ending in `*`. */
  add(p: string): void {
    if (p.endsWith("*")) this.prefixes.push(p.slice(0, -1));
    else this.exact.add(p);
  }

  /** isEmpty is true when no pattern was added. */
  get isEmpty(): boolean {
    return this.exact.size === 0 && this.prefixes.length === 0;
  }

  /** matches tells whether name matches one of the patterns. */
  matches(name: string): boolean {
    if (this.exact.has(name)) return true;
    for (const p of this.prefixes) if (name.startsWith(p)) return true;
    return false;
  }
}
