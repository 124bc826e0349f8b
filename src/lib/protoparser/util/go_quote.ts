// Go's `%q` verb (strconv.Quote) for error messages, so that messages about bad
// input read exactly as VictoriaMetrics prints them.

const hex = "0123456789abcdef";

function isPrintable(c: number): boolean {
  // An approximation of Go's strconv.IsPrint for UTF-16 code units: C0 and C1
  // controls, DEL, the line/paragraph separators, lone surrogates and U+FFFE/U+FFFF
  // are not printable; everything else is.
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return false;
  if (c === 0xad || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) return false;
  return true;
}

/**
 * goQuote returns s as Go's strconv.Quote writes it: in double quotes, with `"` and `\`
 * escaped, \a \b \f \n \r \t \v for those controls, \xNN for other ASCII controls and
 * \uNNNN for other non-printable characters; printable non-ASCII text is kept as is.
 */
export function goQuote(s: string): string {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) break;
  }
  if (i === n) return '"' + s + '"';
  let out = '"' + s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x22 ? '\\"' : c === 0x5c ? "\\\\" : s[i];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is what Go would see as invalid UTF-8.
      out += "\\ufffd";
      continue;
    }
    if (isPrintable(c)) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x07: out += "\\a"; break;
      case 0x08: out += "\\b"; break;
      case 0x0c: out += "\\f"; break;
      case 0x0a: out += "\\n"; break;
      case 0x0d: out += "\\r"; break;
      case 0x09: out += "\\t"; break;
      case 0x0b: out += "\\v"; break;
      default:
        if (c < 0x80) out += "\\x" + hex[c >> 4] + hex[c & 15];
        else out += "\\u" + hex[c >> 12]! + hex[(c >> 8) & 15] + hex[(c >> 4) & 15] + hex[c & 15];
    }
  }
  return out + '"';
}

/**
 * startEndString shortens s for an error message the way fastjson does: a string longer
 * than 2*half characters becomes its first half characters, "..." and its last half
 * characters (fastjson uses half=40).
 */
export function startEndString(s: string, half = 40): string {
  if (s.length <= 2 * half) return s;
  return s.slice(0, half) + "..." + s.slice(s.length - half);
}
