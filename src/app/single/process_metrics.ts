// Process metrics with the names Prometheus client libraries use.

import * as fs from "node:fs";
import { gauge } from "../../lib/metrics/index.ts";

export function registerProcessMetrics(): void {
  gauge("process_resident_memory_bytes", () => process.memoryUsage.rss());
  gauge("process_cpu_seconds_total", () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; });
  gauge("process_cpu_seconds_user_total", () => process.cpuUsage().user / 1e6);
  gauge("process_cpu_seconds_system_total", () => process.cpuUsage().system / 1e6);
  gauge("process_start_time_seconds", () => Math.floor((Date.now() - process.uptime() * 1000) / 1000));
  gauge("process_open_fds", () => { try { return fs.readdirSync("/proc/self/fd").length; } catch { return 0; } });
  gauge("go_memstats_heap_inuse_bytes", () => process.memoryUsage().heapUsed);
  gauge("nodejs_heap_size_total_bytes", () => process.memoryUsage().heapTotal);
  gauge("nodejs_external_memory_bytes", () => process.memoryUsage().external);
}
