// The insert role: ingestion endpoints.

import type * as http from "node:http";
import type { Request } from "../../lib/httpserver/index.ts";
import type { Storage } from "../../lib/storage/index.ts";
import { handleImport } from "./vmimport.ts";

/** handle serves the ingestion paths; false when the path is not one of them. */
export async function handle(req: Request, res: http.ServerResponse, storage: Storage): Promise<boolean> {
  switch (req.path) {
    case "/api/v1/import":
    case "/prometheus/api/v1/import":
      await handleImport(req, res, storage);
      return true;
  }
  return false;
}
