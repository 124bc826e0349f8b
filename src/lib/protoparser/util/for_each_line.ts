/**
 * forEachLine calls onLine(line, lineNumber) for every non-empty line of
 * text (lines end at '\n'; the first has number firstLineNumber).
 */
export function forEachLine(text: string, firstLineNumber: number, onLine: (line: string, lineNumber: number) => void): void {
  const n = text.length;
  let start = 0;
  let lineNumber = firstLineNumber;
  for (;;) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = n;
    if (nl > start) onLine(text.slice(start, nl), lineNumber);
    if (nl >= n) return;
    start = nl + 1;
    lineNumber++;
  }
}
