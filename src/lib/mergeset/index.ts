// Public surface of lib/mergeset: the sorted-items LSM table behind the
// metrics inverted index and the logs stream index. See FORMAT.md.
export { Table, type TableOptions, type TableStats } from "./table.ts";
export { TableSearch } from "./table_search.ts";
export { blockCache } from "./part.ts";
