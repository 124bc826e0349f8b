// The storage contract types (lib/logstorage/types.ts), imported in one place.
export type { LogField, LogIngester, LogRowsBatch, LogRowsSink, TenantID } from "../../logstorage/index.ts";
