// On-disk names of the log storage (see FORMAT.md).

/** Files of a part directory. */
export const metadataFilename = "metadata.json";
export const indexFilename = "index.bin";
export const timestampsFilename = "timestamps.bin";
export const columnsHeaderFilename = "columns_header.bin";
export const messageValuesFilename = "message_values.bin";
export const messageBloomFilename = "message_bloom.bin";
export const valuesFilename = "values.bin";
export const bloomFilename = "bloom.bin";

/** Entries of the storage directory. */
export const partsFilename = "parts.json";
export const walDirname = "wal";
export const partitionsDirname = "partitions";
export const snapshotsDirname = "snapshots";
/** Inside a partition (one UTC day, YYYYMMDD). */
export const datadbDirname = "datadb";
export const indexdbDirname = "indexdb";

/** The column that VictoriaLogs keeps apart: the message. */
export const msgColumn = "_msg";

/** dayName returns YYYYMMDD of the UTC day number (days since the epoch). */
export function dayName(day: number): string {
  const d = new Date(day * 86400000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** parseDayName returns the day number of YYYYMMDD, or undefined. */
export function parseDayName(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(ms) || dayName(ms / 86400000) !== s) return undefined;
  return ms / 86400000;
}

/** isPartName reports whether s is a part directory name (16 hex digits). */
export function isPartName(s: string): boolean {
  return /^[0-9a-f]{16}$/.test(s);
}

/** dayOfTimestamp returns the UTC day number of a timestamp in ns. */
export function dayOfTimestamp(ts: bigint): number {
  return Number(ts / 86_400_000_000_000n) - (ts < 0n && ts % 86_400_000_000_000n !== 0n ? 1 : 0);
}
