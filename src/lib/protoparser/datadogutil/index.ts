// Shared pieces of the Datadog (and NewRelic) parsers: name sanitizing, tag splitting,
// Go encoding/json decoding rules, and the growing rows batch they fill.
export { sanitizeName, splitTag, tagLabel } from "./naming.ts";
export { SeriesRows } from "./series_rows.ts";
export { GoJSONError, parseJSON, jsonKind, typeError, isObject, field, goString, goFloat, goInt64, goArray, goObject } from "./go_json.ts";
