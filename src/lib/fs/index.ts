export * from "./fs.ts";
export * from "./dir_lock.ts";
