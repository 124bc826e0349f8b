// The Loki push API (/insert/loki/api/v1/push): JSON, or protobuf that is
// snappy-compressed unless Content-Encoding says otherwise. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/promtail/
import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpError, readBody, type Request, type Router } from "../../lib/httpserver/index.ts";
import type { LogIngester } from "../../lib/protoparser/logs/index.ts";
import { LogParseError, parseTenant, processLokiJSON, processLokiProtobuf } from "../../lib/protoparser/logs/index.ts";
import { decodeSnappyBlock } from "../../lib/protoparser/util/index.ts";
import { endResponse, getCommonParams, newProcessor, pathCounters, toHttpError } from "./common.ts";

const maxRequestSize = flags.bytes("loki.maxRequestSize", 64 * 1024 * 1024, "The maximum size in bytes of a single Loki request");
const disableMessageParsing = flags.bool("loki.disableMessageParsing", false,
  "Whether to disable automatic parsing of JSON-encoded log fields inside Loki log message into distinct log fields");

const jsonCounters = pathCounters("/insert/loki/api/v1/push", "json");
const protobufCounters = pathCounters("/insert/loki/api/v1/push", "protobuf");

function parseBool(name: string, s: string): boolean {
  const v = flags.parseBool(s);
  if (v === undefined) throw new HttpError(400, `cannot parse ${name}=${JSON.stringify(s)}: want true or false`);
  return v;
}

/**
 * handlePush stores a Loki push request and answers 204. A body that cannot
 * be decoded gets 400 and nothing of it is stored. The tenant may also come
 * from `X-Scope-OrgID` (`accountID[:projectID]`) when AccountID/ProjectID are absent.
 */
export async function handlePush(req: Request, res: http.ServerResponse, ingester: LogIngester): Promise<void> {
  const isJSON = req.header("content-type").split(";")[0]!.trim().toLowerCase() === "application/json";
  const counters = isJSON ? jsonCounters : protobufCounters;
  counters.requests.inc();
  try {
    const cp = getCommonParams(req);
    const org = req.header("X-Scope-OrgID");
    if (org !== "" && req.header("AccountID") === "" && req.header("ProjectID") === "") {
      const [a, p = ""] = org.split(":");
      try {
        cp.tenant = parseTenant((n) => (n === "AccountID" ? a! : p));
      } catch (e) {
        throw new HttpError(400, `cannot parse X-Scope-OrgID header ${JSON.stringify(org)}: ${(e as Error).message}`);
      }
    }
    const dv = req.query.get("disable_message_parsing") ?? req.header("VL-Loki-Disable-Message-Parsing");
    const parseMessage = dv === "" ? !disableMessageParsing.value : !parseBool("disable_message_parsing", dv);
    const enc = req.header("content-encoding").trim().toLowerCase();
    const snappy = enc === "snappy" || (enc === "" && !isJSON);
    let data: Buffer = await readBody(req, { maxSize: maxRequestSize.value, limitName: "loki.maxRequestSize", decompress: !snappy });
    if (snappy) {
      try {
        data = decodeSnappyBlock(data, maxRequestSize.value);
      } catch (e) {
        throw new HttpError(400, `cannot decompress snappy-encoded Loki request: ${(e as Error).message}`);
      }
    }
    const p = newProcessor(ingester, cp, isJSON ? "loki_json" : "loki_protobuf");
    try {
      if (isJSON) processLokiJSON(data, p, { parseMessage });
      else processLokiProtobuf(data, p, { parseMessage });
    } catch (e) {
      throw toHttpError(e, isJSON ? "cannot read Loki JSON data" : "cannot read Loki protobuf data");
    } finally {
      p.close();
    }
  } catch (e) {
    counters.errors.inc();
    if (e instanceof LogParseError) throw new HttpError(400, e.message);
    throw e;
  }
  // Loki answers 204; see https://github.com/VictoriaMetrics/VictoriaMetrics/issues/8505
  res.writeHead(204);
  res.end();
}

/** registerRoutes adds the /insert/loki paths. */
export function registerRoutes(router: Router, ingester: LogIngester): void {
  router.add("/insert/loki/api/v1/push", (req, res) => handlePush(req, res, ingester), { methods: ["POST"], protocol: "loki" });
  router.add("/insert/loki/ready", (_req, res) => endResponse(res, 200, "ready", "text/plain; charset=utf-8"), { protocol: "loki" });
}
