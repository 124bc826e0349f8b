// -relabelConfig, -relabelDebug and -usePromCompatibleNaming for every
// ingestion protocol: the storage the insert handlers and listeners get is
// wrapped so that each batch is relabeled before it is stored, as
// VictoriaMetrics' app/vminsert/relabel does per row. The config is re-read on
// SIGHUP; an invalid new config is logged and the previous one kept.

import * as fs from "node:fs";
import * as flags from "../../lib/flagutil/index.ts";
import { checkAuthKey, sendText, type Router } from "../../lib/httpserver/index.ts";
import { error, info } from "../../lib/logger/index.ts";
import { counter, gauge } from "../../lib/metrics/index.ts";
import { ParsedConfigs, RowsRelabeler, SeriesRelabeler } from "../../lib/promrelabel/index.ts";
import type { AddResult, Rows, Storage } from "../../lib/storage/index.ts";

const relabelConfig = flags.string("relabelConfig", "",
  "Optional path to a file with relabeling rules, which are applied to all the ingested metrics. " +
  "See https://docs.victoriametrics.com/#relabeling for details. The config is reloaded on SIGHUP signal");
const relabelDebug = flags.bool("relabelDebug", false,
  "Whether to log metrics before and after relabeling with -relabelConfig. If the -relabelDebug is enabled, " +
  "then the metrics aren't sent to storage. This is useful for debugging the relabeling configs");
const usePromCompatibleNaming = flags.bool("usePromCompatibleNaming", false,
  "Whether to replace characters unsupported by Prometheus with underscores in the ingested metric names and label names. " +
  "For example, foo.bar{a.b='c'} is transformed into foo_bar{a_b='c'} during data ingestion if this flag is set. " +
  "See https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels");

const reloadAuthKey = flags.string("reloadAuthKey", "", "Auth key for /-/reload http endpoint. It must be passed as authKey=...");

const metricsDropped = counter("vm_relabel_metrics_dropped_total");

let relabeler: SeriesRelabeler | undefined;
const rowsRelabeler = new RowsRelabeler();
const wrapped = new WeakMap<Storage, Storage>();

// expandEnv replaces %{NAME} with the environment variable NAME (kept as is when unset), as VictoriaMetrics' envtemplate.
function expandEnv(s: string): string {
  return s.replace(/%\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => process.env[name] ?? m);
}

/** loadRelabelConfig reads and parses the -relabelConfig file; it throws an Error naming the file and the problem. */
export function loadRelabelConfig(path: string): ParsedConfigs {
  if (/^https?:\/\//.test(path)) throw new Error(`cannot read -relabelConfig=${JSON.stringify(path)}: http(s) URLs are not supported yet; want a local file`);
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read -relabelConfig=${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  try {
    return ParsedConfigs.parse(expandEnv(text));
  } catch (e) {
    throw new Error(`cannot parse -relabelConfig=${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

function newRelabeler(configs: ParsedConfigs | undefined): SeriesRelabeler {
  return new SeriesRelabeler({
    configs,
    promCompatibleNaming: usePromCompatibleNaming.value,
    cacheEntries: relabelDebug.value ? 0 : undefined,
  });
}

// initRelabeling loads the config once (a bad config stops the start) and installs the SIGHUP reload.
function initRelabeling(): SeriesRelabeler {
  if (relabeler !== undefined) return relabeler;
  const path = relabelConfig.value;
  if (path === "") {
    relabeler = newRelabeler(undefined);
    // As VictoriaMetrics: SIGHUP (used to reload configs) never stops the process.
    process.on("SIGHUP", () => info("received SIGHUP; there is no -relabelConfig to reload"));
    return relabeler;
  }
  const reloads = counter("vm_relabel_config_reloads_total");
  const reloadErrors = counter("vm_relabel_config_reloads_errors_total");
  let lastOK = 1;
  let lastOKTime = Math.floor(Date.now() / 1000);
  gauge("vm_relabel_config_last_reload_successful", () => lastOK);
  gauge("vm_relabel_config_last_reload_success_timestamp_seconds", () => lastOKTime);
  const configs = loadRelabelConfig(path);
  relabeler = newRelabeler(configs);
  info(`loaded -relabelConfig=${JSON.stringify(path)} with ${configs.len} rules`);
  process.on("SIGHUP", () => {
    reloads.inc();
    info(`received SIGHUP; reloading -relabelConfig=${JSON.stringify(path)}...`);
    try {
      const c = loadRelabelConfig(path);
      relabeler = newRelabeler(c);
      lastOK = 1;
      lastOKTime = Math.floor(Date.now() / 1000);
      info(`successfully reloaded -relabelConfig=${JSON.stringify(path)} with ${c.len} rules`);
    } catch (e) {
      reloadErrors.inc();
      lastOK = 0;
      error(`cannot load the updated relabelConfig: ${(e as Error).message}; preserving the previous config`);
    }
  });
  return relabeler;
}

function relabeledAddRows(storage: Storage, rows: Rows): AddResult {
  const r = relabeler!;
  if (!r.active || rows.lines === 0) return storage.addRows(rows);
  const debug = relabelDebug.value && r.configs !== undefined;
  const { rows: out, droppedSeries } = rowsRelabeler.relabelRows(rows, r);
  if (droppedSeries > 0) metricsDropped.add(droppedSeries);
  if (debug) {
    // As VictoriaMetrics: log what relabeling does and store nothing.
    for (let i = 0; i < rows.lines; i++) {
      const inStr = SeriesRelabeler.debugString(rows.labels[i]!);
      const res = r.compute(rows.labels[i]!);
      const outStr = res === null || res.length === 0 ? "DROPPED - all labels removed" : SeriesRelabeler.debugString(res);
      info(`\nRelabel  In: ${inStr}\nRelabel Out: ${outStr === inStr ? "KEPT AS IS - no change" : outStr}`);
    }
    return { rowsAdded: 0, tooSmallTimestamp: 0, tooBigTimestamp: 0, invalidSeries: 0, nanValues: 0 };
  }
  if (out.lines === 0) return { rowsAdded: 0, tooSmallTimestamp: 0, tooBigTimestamp: 0, invalidSeries: 0, nanValues: 0 };
  return storage.addRows(out as Rows);
}

/**
 * relabelingStorage returns storage with addRows relabeling every series
 * first (-relabelConfig, -usePromCompatibleNaming); all other members are the
 * storage's own. Series that relabeling drops are left out and counted in
 * vm_relabel_metrics_dropped_total. The first call loads -relabelConfig and
 * throws an Error when it cannot be read or parsed; later calls return the
 * same wrapper for the same storage.
 */
export function relabelingStorage(storage: Storage): Storage {
  initRelabeling();
  let w = wrapped.get(storage);
  if (w !== undefined) return w;
  const bound = new Map<PropertyKey, unknown>();
  const addRows = (rows: Rows): AddResult => relabeledAddRows(storage, rows);
  w = new Proxy(storage, {
    get(target, prop) {
      if (prop === "addRows") return addRows;
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      let b = bound.get(prop);
      if (b === undefined) {
        b = (v as (...a: unknown[]) => unknown).bind(target);
        bound.set(prop, b);
      }
      return b;
    },
  });
  wrapped.set(storage, w);
  return w;
}

/**
 * registerReloadRoutes adds /-/reload and /prometheus/-/reload: they reload
 * the configs the process reloads on SIGHUP (-relabelConfig) and answer 204,
 * as VictoriaMetrics does; -reloadAuthKey protects them when set.
 */
export function registerReloadRoutes(router: Router): void {
  for (const p of ["/-/reload", "/prometheus/-/reload"]) {
    router.add(p, async (req, res) => {
      if (!(await checkAuthKey(req, res, reloadAuthKey.value, "reloadAuthKey"))) return;
      // The SIGHUP listeners run synchronously, so the reload is done when the answer goes out.
      (process.emit as (event: string, ...args: unknown[]) => boolean)("SIGHUP", "SIGHUP");
      sendText(res, 204, "");
    }, { metricPath: "/-/reload" });
  }
}
