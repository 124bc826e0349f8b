// ipv4: IPv4 address parsing and printing as uint32.

/** parseIPv4 parses a dotted-quad IPv4 address ("1.2.3.4") into a uint32, or returns undefined. */
export function parseIPv4(s: string): number | undefined {
  if (s.length < 7 || s.length > 15) return undefined;
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return undefined;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    if (c < 0x30 || c > 0x39 || digits === 3) return undefined;
    if (digits > 0 && part === 0) return undefined;
    part = part * 10 + (c - 0x30);
    if (part > 255) return undefined;
    digits++;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return v * 256 + part;
}

/** formatIPv4 prints a uint32 as a dotted-quad IPv4 address. */
export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
