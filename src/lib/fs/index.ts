export * from "./fs.ts";
export * from "./dir_lock.ts";
export * from "./wal_segments.ts";
