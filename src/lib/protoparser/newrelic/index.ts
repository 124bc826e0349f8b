// NewRelic infrastructure agent events: JSON body -> rows, as VictoriaMetrics decodes it.
export { parseEvents, NewRelicParseError, type ParseOptions } from "./parser.ts";
