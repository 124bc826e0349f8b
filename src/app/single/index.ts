// The all-in-one single node: storage, insert and select roles in one
// process behind one HTTP listener (-httpListenAddr, default :8428).

import type * as http from "node:http";
import * as flags from "../../lib/flagutil/index.ts";
import { HttpServer, sendText, type Request } from "../../lib/httpserver/index.ts";
import { info } from "../../lib/logger/index.ts";
import { writePrometheus, gauge } from "../../lib/metrics/index.ts";
import * as insert from "../insert/index.ts";
import * as select from "../select/index.ts";
import * as storageRole from "../storage/index.ts";
import { registerProcessMetrics } from "./process_metrics.ts";

const httpListenAddr = flags.string("httpListenAddr", ":8428", "TCP address to listen for HTTP requests");

let server: HttpServer | undefined;

/** init starts the single node and returns the bound port. */
export async function init(): Promise<number> {
  const t0 = Date.now();
  const storage = await storageRole.init();
  registerProcessMetrics();
  server = await HttpServer.start({
    listenAddr: httpListenAddr.value,
    name: "tidemark",
    handler: async (req: Request, res: http.ServerResponse) => {
      switch (req.path) {
        case "/health":
          sendText(res, 200, "OK");
          return true;
        case "/metrics":
          res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          sendText(res, 200, writePrometheus());
          return true;
      }
      if (await insert.handle(req, res, storage)) return true;
      if (await select.handle(req, res, storage)) return true;
      if (await storageRole.handle(req, res)) return true;
      return false;
    },
  });
  gauge(`vm_app_start_timestamp`, () => Math.floor(t0 / 1000));
  info(`started Tidemark in ${((Date.now() - t0) / 1000).toFixed(3)}s; serving HTTP on ${httpListenAddr.value} (port ${server.port})`);
  return server.port;
}

/** stop stops accepting requests, waits for in-flight ones, then flushes and closes the storage. */
export async function stop(): Promise<void> {
  if (server !== undefined) await server.stop();
  server = undefined;
  storageRole.stop();
}
