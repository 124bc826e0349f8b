// A small keep-alive HTTP/1.1 client for one server.

import * as http from "node:http";

/** Response is a whole response read into memory. */
export interface Response {
  status: number;
  body: Buffer;
}

/** HttpClient sends requests to one host:port over up to maxSockets kept-alive connections. */
export class HttpClient {
  readonly port: number;
  private readonly agent: http.Agent;

  constructor(port: number, maxSockets = 4) {
    this.port = port;
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** request sends one request and reads the whole response; it rejects on connection errors and timeouts. extraHeaders replace the defaults. */
  async request(method: string, path: string, body?: Buffer, timeoutMs = 120_000, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const chunks: Buffer[] = [];
    const status = await this.stream(method, path, body, (c) => chunks.push(c), timeoutMs, extraHeaders);
    return { status, body: Buffer.concat(chunks) };
  }

  /** stream sends one request and passes each chunk of the response body to onChunk; resolves with the status. */
  stream(method: string, path: string, body: Buffer | undefined, onChunk: (c: Buffer) => void, timeoutMs = 600_000, extraHeaders: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (body !== undefined) {
        headers["Content-Length"] = body.length;
        headers["Content-Type"] = "application/json";
      }
      Object.assign(headers, extraHeaders);
      const req = http.request({ host: "127.0.0.1", port: this.port, method, path, headers, agent: this.agent }, (res) => {
        res.on("data", onChunk);
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
