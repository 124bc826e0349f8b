// Every on-disk name of the metrics storage, in one place (see FORMAT.md).

export const timestampsFilename = "timestamps.bin";
export const valuesFilename = "values.bin";
export const indexFilename = "index.bin";
export const metaindexFilename = "metaindex.bin";
export const metadataFilename = "metadata.json";
export const partsFilename = "parts.json";
export const dataDirname = "data";
export const indexdbDirname = "indexdb";
export const walDirname = "wal";
export const snapshotsDirname = "snapshots";
export const cacheDirname = "cache";
