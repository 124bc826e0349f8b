// What Go's encoding/json accepts when it decodes into the structs VictoriaMetrics uses
// for Datadog and NewRelic bodies: object keys match field names case-insensitively (the
// last match wins), null leaves a field at its zero value, unknown keys are ignored, and
// a value of the wrong JSON type fails the whole body.

/** GoJSONError is a body that Go's json.Unmarshal would reject; the message says why. */
export class GoJSONError extends Error {
  override name = "GoJSONError";
}

/** parseJSON parses text as JSON, throwing GoJSONError for a syntax error. */
export function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GoJSONError(`cannot parse JSON: ${(e as Error).message}`);
  }
}

/** jsonKind names the JSON type of v as Go's errors do ("string", "number", "object", ...). */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

/** typeError is Go's error for a JSON value v that does not fit the field at path of goType. */
export function typeError(v: unknown, path: string, goType: string): GoJSONError {
  const what = typeof v === "number" ? `number ${String(v)}` : jsonKind(v);
  return new GoJSONError(`json: cannot unmarshal ${what} into Go struct field ${path} of type ${goType}`);
}

/** isObject reports whether v is a JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * field returns the value of the key of obj that matches name (lower case)
 * case-insensitively, the last one when several do; undefined when none does.
 */
export function field(obj: Record<string, unknown>, name: string): unknown {
  let out: unknown = undefined;
  for (const k in obj) {
    if (k === name || (k.length === name.length && k.toLowerCase() === name)) out = obj[k];
  }
  return out;
}

/** goString returns v as a Go string field ("" for null or a missing key). */
export function goString(v: unknown, path: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw typeError(v, path, "string");
  return v;
}

/** goFloat returns v as a Go float64 field (0 for null or a missing key). */
export function goFloat(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  // JSON.parse turns numbers beyond float64 into infinities; Go rejects them.
  if (typeof v !== "number" || !Number.isFinite(v)) throw typeError(v, path, "float64");
  return v;
}

/**
 * goInt64 returns v as a Go int64 field (0 for null or a missing key). Go also rejects
 * integral numbers written with a fraction or exponent ("1.0", "1e3"); those are accepted
 * here, since JSON.parse does not keep the literal.
 */
export function goInt64(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) >= 9223372036854775808) throw typeError(v, path, "int64");
  return v;
}

/** goArray returns v as a Go slice field ([] for null or a missing key). */
export function goArray(v: unknown, path: string, goType: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw typeError(v, path, goType);
  return v;
}

/** goObject returns v as a Go struct field (undefined for null or a missing key). */
export function goObject(v: unknown, path: string, goType: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw typeError(v, path, goType);
  return v;
}
