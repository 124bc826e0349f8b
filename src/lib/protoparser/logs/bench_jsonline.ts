// Micro-benchmark of the jsonline path without storage: JSON lines like
// logbench's (nginx access logs and JSON app logs, ~311 bytes each) go
// through processJsonLines into a LogRowProcessor with a no-op ingester.
// Prints lines per CPU second for the hand-written scanner and, for
// comparison, for JSON.parse plus flattening.
// Run: node_modules/.bin/node src/lib/protoparser/logs/bench_jsonline.ts
import type { LogIngester, LogRowsBatch } from "./storage_types.ts";
import { defaultCommonParams } from "./common_params.ts";
import { FieldList } from "./field_list.ts";
import { flattenJSONValue, parseJSONFields } from "./json_fields.ts";
import { processJsonLines } from "./jsonline.ts";
import { LogRowProcessor } from "./row_processor.ts";

function makeLines(n: number): string[] {
  const out: string[] = [];
  const methods = ["GET", "POST", "PUT", "DELETE"];
  const levels = ["info", "warn", "error", "debug"];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 37).toISOString();
    if (i % 2 === 0) {
      out.push(JSON.stringify({
        _time: t, _msg: `${methods[i % 4]} /api/v1/items/${i % 977} HTTP/1.1`, host: `web-${i % 8}`, app: "nginx",
        remote_addr: `10.0.${i % 255}.${(i * 7) % 255}`, method: methods[i % 4], path: `/api/v1/items/${i % 977}`,
        status: [200, 201, 404, 500][i % 4], bytes: 1000 + (i % 5000), request_time: (i % 1000) / 1000,
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", referer: "-",
      }));
    } else {
      out.push(JSON.stringify({
        _time: t, level: levels[i % 4], _msg: `request processed for user ${i % 10007} in ${i % 300}ms`,
        app: "checkout", host: `app-${i % 4}`, trace_id: (i * 2654435761).toString(16).padStart(32, "0"),
        user_id: `u${i % 10007}`, duration_ms: i % 300, region: "eu-west-1", version: "1.4.2",
      }));
    }
  }
  return out;
}

class NopBatch implements LogRowsBatch {
  rowsCount = 0;
  addRow(): void { this.rowsCount++; }
}
const ingester: LogIngester = { newBatch: () => new NopBatch(), commit: (b) => b.rowsCount };

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const lines = makeLines(5000);
const body = Buffer.from(lines.join("\n") + "\n");
console.log(`body: ${lines.length} lines, ${(body.length / lines.length).toFixed(0)} bytes/line`);

async function benchStream(rounds: number): Promise<number> {
  const t0 = cpuSeconds();
  for (let r = 0; r < rounds; r++) {
    const p = new LogRowProcessor({ ingester, params: { ...defaultCommonParams(), streamFields: ["host", "app"] }, type: "bench", defaultMsgValue: "missing _msg", maxFieldsPerLine: 1000 });
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 65536) chunks.push(body.subarray(i, i + 65536));
    await processJsonLines((async function* () { yield* chunks; })(), p, 256 * 1024, () => {});
    p.close();
  }
  return (rounds * lines.length) / (cpuSeconds() - t0);
}

function benchParseOnly(rounds: number, useJSONParse: boolean): number {
  const fl = new FieldList();
  const t0 = cpuSeconds();
  for (let r = 0; r < rounds; r++) {
    for (const l of lines) {
      fl.reset();
      if (useJSONParse) flattenJSONValue(JSON.parse(l) as Record<string, unknown>, "", fl);
      else parseJSONFields(l, fl);
    }
  }
  return (rounds * lines.length) / (cpuSeconds() - t0);
}

await benchStream(10);
benchParseOnly(10, false);
benchParseOnly(10, true);
console.log(`parse only, hand-written scanner: ${Math.round(benchParseOnly(60, false))} lines/CPU s`);
console.log(`parse only, JSON.parse + flatten: ${Math.round(benchParseOnly(60, true))} lines/CPU s`);
console.log(`jsonline stream (split + parse + process, no storage): ${Math.round(await benchStream(60))} lines/CPU s`);
