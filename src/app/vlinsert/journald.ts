// /insert/journald/upload: the systemd journal export format, as
// systemd-journal-upload sends it. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/journald/
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, type Request, type Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { JournaldReader, LogParseError, journaldParams, parseTenant } from "../../lib/protoparser/logs/index.ts";
import { endResponse, getCommonParams, maxLineSizeBytes, newProcessor, pathCounters, streamBody } from "./common.ts";

const streamFields = flags.array("journald.streamFields",
  "Comma-separated list of fields to use as log stream fields for logs ingested over journald protocol. Default: _MACHINE_ID,_HOSTNAME,_SYSTEMD_UNIT");
const ignoreFields = flags.array("journald.ignoreFields", "Comma-separated list of fields to ignore for logs ingested over journald protocol");
const timeField = flags.string("journald.timeField", "__REALTIME_TIMESTAMP", "Field to use as a log timestamp for logs ingested via journald protocol");
const tenantID = flags.string("journald.tenantID", "0:0", "TenantID for logs ingested via the Journald endpoint");
const includeEntryMetadata = flags.bool("journald.includeEntryMetadata", false, "Include Journald fields with double underscore prefixes");

const defaultStreamFields = ["_MACHINE_ID", "_HOSTNAME", "_SYSTEMD_UNIT"];
const counters = pathCounters("/insert/journald/upload");

/**
 * handleUpload stores the entries of a journal export stream and answers
 * 200. Only `Content-Type: application/vnd.fdo.journal` is accepted (400
 * otherwise); a malformed binary field gives 400 after the entries before
 * it were stored.
 */
export async function handleUpload(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  counters.requests.inc();
  try {
    if (req.header("content-type").split(";")[0]!.trim() !== "application/vnd.fdo.journal") {
      throw new HttpError(400, "only application/vnd.fdo.journal encoding is supported for Journald");
    }
    const cp = getCommonParams(req);
    if (cp.tenant.accountID === 0 && cp.tenant.projectID === 0) {
      const [a, p = ""] = tenantID.value.split(":");
      try {
        cp.tenant = parseTenant((n) => (n === "AccountID" ? a! : p));
      } catch (e) {
        throw new HttpError(400, `cannot parse -journald.tenantID=${JSON.stringify(tenantID.value)}: ${(e as Error).message}`);
      }
    }
    const sf = streamFields.value.filter((s) => s !== "");
    const params = journaldParams(cp, timeField.value, sf.length > 0 ? sf : defaultStreamFields, ignoreFields.value.filter((s) => s !== ""));
    const p = newProcessor(ingester, params, "journald");
    const r = new JournaldReader(p, { includeEntryMetadata: includeEntryMetadata.value, maxEntrySize: Math.max(maxLineSizeBytes.value, 1024) * 4 });
    try {
      for await (const chunk of streamBody(req)) r.push(chunk);
      r.end();
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    if (e instanceof LogParseError) throw new HttpError(400, `cannot read journald protocol data: ${e.message}`);
    throw e;
  }
  res.setHeader("Accept-Encoding", "zstd");
  endResponse(res, 200);
}

/** registerRoutes adds /insert/journald/upload. */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/journald/upload", (req, res) => handleUpload(req, res, ingester), { methods: ["POST"], protocol: "journald" });
}
