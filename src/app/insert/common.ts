// Helpers shared by the ingestion handlers.

import { HttpError, type Request } from "../../lib/httpserver/index.ts";

/** extraLabels returns the labels of `extra_label=name=value` query args. */
export function extraLabels(req: Request): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const v of req.query.getAll("extra_label")) {
    const i = v.indexOf("=");
    if (i <= 0) throw new HttpError(400, `cannot parse extra_label=${JSON.stringify(v)}: want name=value`);
    out.push([v.slice(0, i), v.slice(i + 1)]);
  }
  return out;
}
