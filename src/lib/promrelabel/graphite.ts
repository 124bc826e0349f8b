// `action: graphite`: a Graphite-style match template ("foo.*.bar", where "*"
// matches one dot-free segment) and label templates ("$1", "${2}:8080").

/**
 * GraphiteMatchTemplate matches metric names against a template in which "*"
 * stands for any run of characters without ".". Captures: index 0 is the whole
 * name, then one per "*".
 */
export class GraphiteMatchTemplate {
  readonly source: string;
  private readonly parts: string[]; // literal pieces and "*"

  constructor(source: string) {
    this.source = source;
    this.parts = [];
    let s = source;
    for (;;) {
      const n = s.indexOf("*");
      if (n < 0) {
        if (s !== "") this.parts.push(s);
        break;
      }
      if (n > 0) this.parts.push(s.slice(0, n));
      this.parts.push("*");
      s = s.slice(n + 1);
    }
  }

  /** match returns the captures for name, or null when it does not match. */
  match(name: string): string[] | null {
    const parts = this.parts;
    const last = parts[parts.length - 1];
    if (last !== undefined && last !== "*" && !name.endsWith(last)) return null;
    const caps = [name];
    let s = name;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p !== "*") {
        if (!s.startsWith(p)) return null;
        s = s.slice(p.length);
        continue;
      }
      if (i + 1 >= parts.length) {
        if (s.includes(".")) return null;
        caps.push(s);
        return caps;
      }
      // "*" runs up to the first occurrence of the next literal part
      // (consecutive "*" cannot occur: they would be one piece apart).
      const next = parts[++i]!;
      const n = s.indexOf(next);
      if (n < 0) return null;
      const seg = s.slice(0, n);
      if (seg.includes(".")) return null;
      caps.push(seg);
      s = s.slice(n + next.length);
    }
    return s === "" ? caps : null;
  }
}

/**
 * GraphiteLabelTemplate expands "$n" and "${n}" with capture n of a
 * GraphiteMatchTemplate; references to missing captures stay as written.
 */
export class GraphiteLabelTemplate {
  readonly source: string;
  private readonly parts: Array<{ s: string; n: number }> = []; // n >= 0: a capture reference

  constructor(source: string) {
    this.source = source;
    let s = source;
    const push = (text: string, n: number) => {
      if (text !== "") this.parts.push({ s: text, n });
    };
    for (;;) {
      const d = s.indexOf("$");
      if (d < 0) {
        push(s, -1);
        break;
      }
      push(s.slice(0, d), -1);
      s = s.slice(d + 1);
      if (s.startsWith("{")) {
        const close = s.indexOf("}");
        if (close < 0) {
          push("$" + s, -1);
          break;
        }
        const idx = s.slice(1, close);
        s = s.slice(close + 1);
        push("${" + idx + "}", /^[+-]?[0-9]+$/.test(idx) ? Number(idx) : -1);
      } else {
        let k = 0;
        while (k < s.length && s[k]! >= "0" && s[k]! <= "9") k++;
        const idx = s.slice(0, k);
        s = s.slice(k);
        push("$" + idx, idx === "" ? -1 : Number(idx));
      }
    }
  }

  /** expand fills the template with caps. */
  expand(caps: readonly string[]): string {
    let out = "";
    for (const p of this.parts) out += p.n >= 0 && p.n < caps.length ? caps[p.n]! : p.s;
    return out;
  }
}
