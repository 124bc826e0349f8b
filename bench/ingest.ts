// Timed ingestion: concurrent senders POST the pre-built bodies in order.

import * as fs from "node:fs";
import type { HttpClient } from "./http_client.ts";
import { readBody, type Payload } from "./payload.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** IngestResult counts what one ingestion run sent and what was accepted. */
export interface IngestResult {
  bodies: number;
  okBodies: number;
  failedBodies: number;
  okSamples: number;
  retries: number;
  /** true when the deadline passed before every body was sent; bodies [0, okBodies + failedBodies) were sent */
  timedOut: boolean;
  /** wall clock from the first send to the last response */
  wallS: number;
  /** the first few failures, for the report */
  errors: string[];
}

/**
 * ingest POSTs bodies [0, bodies) of p to path with `concurrency` senders
 * taking the next body in order. 5xx and connection errors are retried up to
 * `retries` times; other non-2xx answers fail the body. After timeoutS the
 * senders take no new body, so the bodies sent are always a prefix.
 */
export async function ingest(client: HttpClient, p: Payload, bodies: number, path: string, concurrency: number, timeoutS = Infinity, retries = 3): Promise<IngestResult> {
  if (bodies > p.bodies) throw new Error(`BUG: ${bodies} bodies requested; the payload has ${p.bodies}`);
  const r: IngestResult = { bodies, okBodies: 0, failedBodies: 0, okSamples: 0, retries: 0, timedOut: false, wallS: 0, errors: [] };
  const fh = await fs.promises.open(p.file, "r");
  let next = 0;
  const fail = (msg: string): void => {
    r.failedBodies++;
    if (r.errors.length < 5) r.errors.push(msg);
  };
  const sender = async (): Promise<void> => {
    for (let b = next++; b < bodies; b = next++) {
      if (performance.now() > deadline) {
        r.timedOut = true;
        next = bodies;
        break;
      }
      const body = await readBody(fh, p, b);
      for (let attempt = 0; ; attempt++) {
        let msg: string;
        try {
          const res = await client.request("POST", path, body);
          if (res.status >= 200 && res.status < 300) {
            r.okBodies++;
            r.okSamples += p.samples[b]!;
            break;
          }
          msg = `body ${b}: status ${res.status}: ${res.body.toString().slice(0, 300)}`;
          if (res.status < 500) {
            fail(msg);
            break;
          }
        } catch (e) {
          msg = `body ${b}: ${(e as Error).message}`;
        }
        if (attempt >= retries) {
          fail(msg);
          break;
        }
        r.retries++;
        await sleep(200 * 2 ** attempt);
      }
    }
  };
  const t0 = performance.now();
  const deadline = t0 + timeoutS * 1000;
  try {
    await Promise.all(Array.from({ length: concurrency }, sender));
  } finally {
    r.wallS = (performance.now() - t0) / 1000;
    await fh.close();
  }
  return r;
}
