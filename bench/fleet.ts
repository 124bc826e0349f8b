// The series of one node_exporter host, as templates. Values are kept in
// integer "units" and printed as units * mul / div, so every sample is the
// decimal an exporter would print (cpu seconds in 1/100 s, memory in KiB
// multiples, filesystems in 4 KiB blocks, durations in ns).

/** Kind says how a series' value evolves from one scrape to the next. */
export const Kind = {
  /** a + floor(hostRand * b), never changes */
  constant: 0,
  /** grows by a noisy increment a * drive * (1 ± b) per scrape; resets to 0 when its host reboots */
  counter: 1,
  /** random walk in [a, b], steps of up to ±c */
  walk: 2,
  /** a + b * drive + noise of up to ±c, never below 0 */
  cycle: 3,
  /** the scrape timestamp in ms (node_time_seconds with div 1000) */
  clock: 4,
  /** a + floor(rand * b) every scrape (durations in ns) */
  jitter: 5,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Drive says what scales a counter increment or a cycle amplitude. */
export const Drive = {
  /** nothing: the same rate all day */
  flat: 0,
  /** the host's load: utilisation with a daily cycle */
  busy: 1,
  /** 1 - load */
  idle: 2,
} as const;
export type Drive = (typeof Drive)[keyof typeof Drive];

/** MetricDef is one series template of a host. */
export interface MetricDef {
  name: string;
  /** labels after the host labels, in this order */
  labels: [string, string][];
  kind: Kind;
  drive: Drive;
  /** printed value = units * mul / div */
  div: number;
  mul: number;
  a: number;
  b: number;
  c: number;
}

function def(name: string, labels: [string, string][], kind: Kind, drive: Drive, div: number, mul: number, a: number, b = 0, c = 0): MetricDef {
  return { name, labels, kind, drive, div, mul, a, b, c };
}

const { constant, counter, walk, cycle, clock, jitter } = Kind;
const { flat, busy, idle } = Drive;
const KiB = 1024;
const GiBinKiB = 1024 * 1024;

function buildHostTemplate(): MetricDef[] {
  const t: MetricDef[] = [];
  // cpu seconds per cpu and mode, 1/100 s; a scrape is 15 s = 1500 units per cpu
  const modes: [string, Drive, number, number][] = [
    ["idle", idle, 1450, 0.05], ["user", busy, 900, 0.3], ["system", busy, 380, 0.3], ["iowait", busy, 70, 0.8],
    ["irq", flat, 0.4, 1], ["softirq", busy, 25, 0.5], ["steal", flat, 0.2, 1], ["nice", flat, 0.6, 1],
  ];
  for (let cpu = 0; cpu < 4; cpu++) {
    for (const [mode, drive, a, b] of modes) t.push(def("node_cpu_seconds_total", [["cpu", String(cpu)], ["mode", mode]], counter, drive, 100, 1, a, b));
  }
  // memory in KiB multiples
  t.push(def("node_memory_MemTotal_bytes", [], constant, flat, 1, KiB, 4 * GiBinKiB, 60 * GiBinKiB));
  t.push(def("node_memory_MemFree_bytes", [], walk, flat, 1, KiB, 300_000, 2_000_000, 4000));
  t.push(def("node_memory_MemAvailable_bytes", [], walk, flat, 1, KiB, 1_500_000, 3_500_000, 6000));
  t.push(def("node_memory_Buffers_bytes", [], walk, flat, 1, KiB, 50_000, 400_000, 500));
  t.push(def("node_memory_Cached_bytes", [], walk, flat, 1, KiB, 800_000, 2_500_000, 5000));
  t.push(def("node_memory_Active_bytes", [], walk, flat, 1, KiB, 1_000_000, 2_000_000, 3000));
  t.push(def("node_memory_Inactive_bytes", [], walk, flat, 1, KiB, 500_000, 1_500_000, 3000));
  t.push(def("node_memory_SwapTotal_bytes", [], constant, flat, 1, KiB, 2 * GiBinKiB));
  t.push(def("node_memory_SwapFree_bytes", [], walk, flat, 1, KiB, 1_900_000, 2 * GiBinKiB, 200));
  t.push(def("node_memory_Dirty_bytes", [], walk, flat, 1, KiB, 0, 60_000, 4000));
  // load averages with 2 decimals
  t.push(def("node_load1", [], cycle, busy, 100, 1, 0, 400, 60));
  t.push(def("node_load5", [], cycle, busy, 100, 1, 0, 380, 25));
  t.push(def("node_load15", [], cycle, busy, 100, 1, 0, 360, 10));
  // filesystems in 4 KiB blocks
  for (const [device, fstype, mountpoint, blocks] of [["sda1", "ext4", "/", 13_100_800], ["sdb1", "xfs", "/data", 268_435_456]] as const) {
    const l: [string, string][] = [["device", device], ["fstype", fstype], ["mountpoint", mountpoint]];
    t.push(def("node_filesystem_size_bytes", l, constant, flat, 1, 4096, blocks));
    t.push(def("node_filesystem_avail_bytes", l, walk, flat, 1, 4096, blocks * 0.2, blocks * 0.8, 2500));
    t.push(def("node_filesystem_free_bytes", l, walk, flat, 1, 4096, blocks * 0.25, blocks * 0.85, 2500));
    t.push(def("node_filesystem_files", l, constant, flat, 1, 1, blocks / 4));
    t.push(def("node_filesystem_files_free", l, walk, flat, 1, 1, blocks / 8, blocks / 4, 300));
  }
  // disks: operations, bytes in 512-byte sectors, io time in ms
  for (const [device, f] of [["sda", 1], ["sdb", 4]] as const) {
    const l: [string, string][] = [["device", device]];
    t.push(def("node_disk_reads_completed_total", l, counter, busy, 1, 1, 40 * f, 0.6));
    t.push(def("node_disk_writes_completed_total", l, counter, busy, 1, 1, 120 * f, 0.4));
    t.push(def("node_disk_read_bytes_total", l, counter, busy, 1, 512, 2000 * f, 0.6));
    t.push(def("node_disk_written_bytes_total", l, counter, busy, 1, 512, 6000 * f, 0.4));
    t.push(def("node_disk_io_time_seconds_total", l, counter, busy, 1000, 1, 300 * f, 0.5));
  }
  // network
  for (const [device, f] of [["eth0", 1], ["lo", 0.1]] as const) {
    const l: [string, string][] = [["device", device]];
    t.push(def("node_network_receive_bytes_total", l, counter, busy, 1, 1, 1_500_000 * f, 0.4));
    t.push(def("node_network_transmit_bytes_total", l, counter, busy, 1, 1, 1_200_000 * f, 0.4));
    t.push(def("node_network_receive_packets_total", l, counter, busy, 1, 1, 1500 * f, 0.4));
    t.push(def("node_network_transmit_packets_total", l, counter, busy, 1, 1, 1300 * f, 0.4));
    t.push(def("node_network_receive_errs_total", l, counter, flat, 1, 1, 0.01 * f, 1));
    t.push(def("node_network_up", l, constant, flat, 1, 1, device === "lo" ? 0 : 1));
  }
  // kernel counters and gauges
  t.push(def("node_context_switches_total", [], counter, busy, 1, 1, 45_000, 0.3));
  t.push(def("node_intr_total", [], counter, busy, 1, 1, 30_000, 0.3));
  t.push(def("node_forks_total", [], counter, busy, 1, 1, 300, 0.5));
  t.push(def("node_vmstat_pgfault", [], counter, busy, 1, 1, 90_000, 0.4));
  t.push(def("node_vmstat_pgmajfault", [], counter, flat, 1, 1, 0.3, 1));
  t.push(def("node_netstat_Tcp_RetransSegs", [], counter, busy, 1, 1, 2, 1));
  t.push(def("node_procs_running", [], walk, flat, 1, 1, 1, 12, 2));
  t.push(def("node_procs_blocked", [], walk, flat, 1, 1, 0, 3, 1));
  t.push(def("node_filefd_allocated", [], walk, flat, 1, 1, 1500, 6000, 40));
  t.push(def("node_sockstat_TCP_inuse", [], walk, flat, 1, 1, 20, 400, 8));
  t.push(def("node_netstat_Tcp_CurrEstab", [], walk, flat, 1, 1, 10, 300, 6));
  t.push(def("node_entropy_available_bits", [], constant, flat, 1, 1, 256));
  t.push(def("node_boot_time_seconds", [], constant, flat, 1, 1, 1_760_000_000, 30_000_000));
  t.push(def("node_time_seconds", [], clock, flat, 1000, 1, 0));
  t.push(def("node_timex_offset_seconds", [], jitter, flat, 1e9, 1, 0, 200_000));
  t.push(def("node_uname_info", [["machine", "x86_64"], ["release", "6.1.0-18-amd64"]], constant, flat, 1, 1, 1));
  for (const collector of ["cpu", "diskstats", "filesystem", "meminfo", "netdev"]) {
    t.push(def("node_scrape_collector_success", [["collector", collector]], constant, flat, 1, 1, 1));
    t.push(def("node_scrape_collector_duration_seconds", [["collector", collector]], jitter, flat, 1e9, 1, 20_000, 2_000_000));
  }
  // the scraper's own series
  t.push(def("up", [], constant, flat, 1, 1, 1));
  t.push(def("scrape_duration_seconds", [], jitter, flat, 1e9, 1, 8_000_000, 30_000_000));
  t.push(def("scrape_samples_scraped", [], constant, flat, 1, 1, 1100, 300));
  return t;
}

/** hostTemplate holds the series of one host, in the order series are numbered. */
export const hostTemplate: readonly MetricDef[] = buildHostTemplate();
