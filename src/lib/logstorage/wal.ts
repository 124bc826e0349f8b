// The write-ahead log of the log storage. Each committed batch is one
// record (lib/fs WAL segments: [u32 BE payload length][u32 BE
// crc32(payload)][payload = rows record]) appended to the current segment
// with one write(2) before commit returns, so an acknowledged batch survives
// kill -9. Segments are fsynced every second, rotated at every flush, and
// deleted once parts.json names a checkpoint at or past them. Replay stops at
// the first torn record of a segment and truncates it there.

export {
  WalSegments as LogWal,
  listWalSegments,
  readWalSegment as replayWalSegment,
  sealWalRecord,
  walRecordHeaderSize,
} from "../fs/index.ts";
