// JSON strings as fastjson (the parser of VictoriaMetrics 1.79.5) reads them: the
// string ends at the first '"' preceded by an even number of backslashes, raw control
// characters are allowed, and escapes are decoded "best effort" (an invalid escape is
// kept as written instead of failing the line).

/**
 * rawStringEnd returns the index of the '"' that closes the string whose content starts
 * at start in s[..end), or -1 when there is none.
 */
export function rawStringEnd(s: string, start: number, end: number): number {
  let p = start;
  for (;;) {
    const q = s.indexOf('"', p);
    if (q < 0 || q >= end) return -1;
    let b = q;
    while (b > start && s.charCodeAt(b - 1) === 92) b--;
    if (((q - b) & 1) === 0) return q;
    p = q + 1;
  }
}

function hex4(s: string, p: number): number {
  let x = 0;
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(p + i);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 97 && c <= 102) v = c - 87;
    else if (c >= 65 && c <= 70) v = c - 55;
    else return -1;
    x = x * 16 + v;
  }
  return x;
}

/**
 * unescapeBestEffort decodes the escapes of a raw JSON string content as fastjson does:
 * \" \\ \/ \b \f \n \r \t and \uXXXX (surrogate pairs joined, an unpaired high or low
 * surrogate followed by another \uXXXX becomes U+FFFD); an unknown or malformed escape
 * is kept as written.
 */
export function unescapeBestEffort(raw: string): string {
  let n = raw.indexOf("\\");
  if (n < 0) return raw;
  let out = raw.slice(0, n);
  let p = n + 1;
  const len = raw.length;
  while (p < len) {
    const ch = raw.charCodeAt(p++);
    switch (ch) {
      case 34: out += '"'; break;
      case 92: out += "\\"; break;
      case 47: out += "/"; break;
      case 98: out += "\b"; break;
      case 102: out += "\f"; break;
      case 110: out += "\n"; break;
      case 114: out += "\r"; break;
      case 116: out += "\t"; break;
      case 117: {
        if (len - p < 4) {
          out += "\\u";
          break;
        }
        const x = hex4(raw, p);
        if (x < 0) {
          out += "\\u";
          break;
        }
        const xs = raw.slice(p, p + 4);
        p += 4;
        if (x < 0xd800 || x > 0xdfff) {
          out += String.fromCharCode(x);
          break;
        }
        if (len - p < 6 || raw.charCodeAt(p) !== 92 || raw.charCodeAt(p + 1) !== 117) {
          out += "\\u" + xs;
          break;
        }
        const x1 = hex4(raw, p + 2);
        if (x1 < 0) {
          out += "\\u" + xs;
          break;
        }
        // Go's utf16.DecodeRune: a valid pair gives the character, anything else U+FFFD.
        if (x < 0xdc00 && x1 >= 0xdc00 && x1 <= 0xdfff) out += String.fromCharCode(x, x1);
        else out += "\ufffd";
        p += 6;
        break;
      }
      default:
        out += "\\" + raw[p - 1];
    }
    n = raw.indexOf("\\", p);
    if (n < 0) {
      out += raw.slice(p);
      break;
    }
    out += raw.slice(p, n);
    p = n + 1;
  }
  return out;
}
