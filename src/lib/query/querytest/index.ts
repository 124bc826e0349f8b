// Package querytest: a script language for query tests (load series, evaluate
// instant and range queries, expect series and values) and its runner.
// Scripts live in testdata/*.test; querytest.test.ts runs them against
// Tidemark's evaluator and, when it is installed, against VictoriaMetrics
// 1.79.5, so that every expectation is checked against the original.

export { parseScript, ScriptError, type Command, type Expected, type LoadedSeries } from "./script.ts";
export { memoryBackend, runScript, type Backend, type QueryResult, type ResultSeries } from "./run.ts";
