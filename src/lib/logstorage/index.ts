// The log storage. (Its engine lands in following commits; this is the contract.)
export type * from "./types.ts";
