// Every on-disk name of a mergeset table (see FORMAT.md).

/** partsFilename lists the live part directories of a table, replaced atomically. */
export const partsFilename = "parts.json";
/** itemsFilename holds the block payloads of a part. */
export const itemsFilename = "items.bin";
/** indexFilename holds the index blocks (block headers) of a part. */
export const indexFilename = "index.bin";
/** metaindexFilename holds one row per index block; read whole on open. */
export const metaindexFilename = "metaindex.bin";
/** metadataFilename is the part header as JSON. */
export const metadataFilename = "metadata.json";

const partNameRe = /^[0-9A-F]{16}$/;

/** isPartName reports whether name is a part directory name: 16 upper-case hex digits. */
export function isPartName(name: string): boolean {
  return partNameRe.test(name);
}

/** partName formats a part id as 16 upper-case hex digits. */
export function partName(id: bigint): string {
  return id.toString(16).toUpperCase().padStart(16, "0");
}
