// The select role: query endpoints.

import type * as http from "node:http";
import type { Request } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleExport } from "./export.ts";

/** handle serves the query paths; false when the path is not one of them. */
export async function handle(req: Request, res: http.ServerResponse, storage: Storage): Promise<boolean> {
  switch (req.path) {
    case "/api/v1/export":
    case "/prometheus/api/v1/export":
      await handleExport(req, res, storage);
      return true;
  }
  return false;
}
