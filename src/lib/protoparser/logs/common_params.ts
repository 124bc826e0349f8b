// The HTTP parameters every VictoriaLogs ingestion endpoint accepts, as
// query args or as `VL-*` headers (the query arg wins), and the tenant from
// the AccountID/ProjectID headers. See
// https://docs.victoriametrics.com/victorialogs/data-ingestion/#http-parameters
import type { LogField, TenantID } from "./storage_types.ts";
import { LogParseError } from "./parse_error.ts";

/** CommonParams are the ingestion parameters of one request. */
export interface CommonParams {
  tenant: TenantID;
  /** timeFields name the fields holding the timestamp; the first present wins. Default ["_time"]. */
  timeFields: string[];
  /** isTimeFieldSet is true when `_time_field` was given (protocol defaults apply otherwise). */
  isTimeFieldSet: boolean;
  /** msgFields name the fields to rename to `_msg`; the first non-empty wins. */
  msgFields: string[];
  /** streamFields name the fields that identify the stream. */
  streamFields: string[];
  /** isStreamFieldsSet is true when `_stream_fields` was given. */
  isStreamFieldsSet: boolean;
  /** ignoreFields are dropped (names or `prefix*`). */
  ignoreFields: string[];
  /** decolorizeFields get their ANSI color sequences removed (names or `prefix*`). */
  decolorizeFields: string[];
  /** extraFields are added to every row and override fields of the same name. */
  extraFields: LogField[];
  /** debug logs the rows instead of storing them. */
  debug: boolean;
}

/** ParamGetter returns a request's query arg (by name) or header (by name), "" when absent. */
export interface ParamSource {
  query(name: string): string;
  header(name: string): string;
}

function value(src: ParamSource, arg: string, header: string): string {
  const q = src.query(arg);
  return q !== "" ? q : src.header(header);
}

/** splitList splits a comma-separated list, trimming items and dropping empty ones. */
export function splitList(s: string): string[] {
  if (s === "") return [];
  const out: string[] = [];
  for (const p of s.split(",")) {
    const t = p.trim();
    if (t !== "") out.push(t);
  }
  return out;
}

/** parseUint32 parses a tenant id part; undefined when s is not a uint32. */
function parseUint32(s: string): number | undefined {
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/** parseTenant reads the AccountID and ProjectID headers (default 0); it throws LogParseError for non-uint32 values. */
export function parseTenant(header: (name: string) => string): TenantID {
  const a = header("AccountID"), p = header("ProjectID");
  const accountID = a === "" ? 0 : parseUint32(a);
  if (accountID === undefined) throw new LogParseError(`cannot parse AccountID header ${JSON.stringify(a)}: want a uint32 number`);
  const projectID = p === "" ? 0 : parseUint32(p);
  if (projectID === undefined) throw new LogParseError(`cannot parse ProjectID header ${JSON.stringify(p)}: want a uint32 number`);
  return { accountID, projectID };
}

/** parseBoolParam parses Go's strconv.ParseBool forms. */
function parseBoolParam(name: string, s: string): boolean {
  switch (s) {
    case "1": case "t": case "T": case "true": case "TRUE": case "True": return true;
    case "0": case "f": case "F": case "false": case "FALSE": case "False": return false;
  }
  throw new LogParseError(`cannot parse ${name}=${JSON.stringify(s)}: want true or false`);
}

/**
 * parseCommonParams reads the common ingestion parameters: `_time_field`,
 * `_msg_field`, `_stream_fields`, `ignore_fields`, `decolorize_fields`,
 * `extra_fields` (`name=value,...`), `debug` and their `VL-*` headers, plus
 * the tenant. It throws LogParseError for bad values.
 */
export function parseCommonParams(src: ParamSource): CommonParams {
  const tenant = parseTenant((n) => src.header(n));
  const tf = splitList(value(src, "_time_field", "VL-Time-Field"));
  const sf = splitList(value(src, "_stream_fields", "VL-Stream-Fields"));
  const extraFields: LogField[] = [];
  for (const ef of splitList(value(src, "extra_fields", "VL-Extra-Fields"))) {
    const i = ef.indexOf("=");
    if (i <= 0 || i === ef.length - 1) throw new LogParseError(`cannot parse extra_fields item ${JSON.stringify(ef)}: want field=value`);
    extraFields.push({ name: ef.slice(0, i), value: ef.slice(i + 1) });
  }
  const dv = value(src, "debug", "VL-Debug");
  return {
    tenant,
    timeFields: tf.length > 0 ? tf : ["_time"],
    isTimeFieldSet: tf.length > 0,
    msgFields: splitList(value(src, "_msg_field", "VL-Msg-Field")),
    streamFields: sf,
    isStreamFieldsSet: sf.length > 0,
    ignoreFields: splitList(value(src, "ignore_fields", "VL-Ignore-Fields")),
    decolorizeFields: splitList(value(src, "decolorize_fields", "VL-Decolorize-Fields")),
    extraFields,
    debug: dv === "" ? false : parseBoolParam("debug", dv),
  };
}

/** defaultCommonParams returns the parameters of a request that sets none (tenant 0:0). */
export function defaultCommonParams(tenant: TenantID = { accountID: 0, projectID: 0 }): CommonParams {
  return {
    tenant, timeFields: ["_time"], isTimeFieldSet: false, msgFields: [], streamFields: [], isStreamFieldsSet: false,
    ignoreFields: [], decolorizeFields: [], extraFields: [], debug: false,
  };
}
