// OpenTSDB telnet `put` lines as VictoriaMetrics accepts them on -opentsdbListenAddr.
// See README.md beside this file for the rules.
export { parseLine, parseLines, opentsdbTimestampMs, defaultOpentsdbOptions, type OpentsdbOptions } from "./parser.ts";
