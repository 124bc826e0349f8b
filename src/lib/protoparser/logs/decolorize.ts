// Removing ANSI terminal color (and other CSI) sequences from log values,
// for the decolorize_fields ingestion parameter.

// ESC [ parameters intermediates final-byte; see ECMA-48 section 5.4.
const reCSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

/** hasColorSequences tells whether s holds an escape character at all (the cheap check). */
export function hasColorSequences(s: string): boolean {
  return s.includes("\x1b");
}

/** dropColorSequences returns s without its ANSI CSI sequences (`\x1b[31m` and the like). */
export function dropColorSequences(s: string): string {
  if (!s.includes("\x1b")) return s;
  return s.replace(reCSI, "");
}
