// Shared stream helpers of the ingestion parsers: decompression by Content-Encoding,
// splitting a body into blocks of whole lines, and Go-style quoting for messages.
export { goQuote, startEndString } from "./go_quote.ts";
export { decodeSnappyBlock, decodeSnappyBlockReused } from "./snappy_block.ts";
export { uncompressedStream, MAX_SNAPPY_BLOCK_SIZE } from "./compress_reader.ts";
export { readLinesBlocks, DEFAULT_LINES_BLOCK_SIZE, type LinesBlock } from "./lines_reader.ts";
export { forEachLinesBlock, type ReadCounters } from "./lines_blocks_loop.ts";
export { forEachLine } from "./for_each_line.ts";
