// OpenTSDB HTTP /api/put JSON bodies as VictoriaMetrics accepts them on
// -opentsdbHTTPListenAddr and -opentsdbListenAddr. See README.md beside this file.
export { parseBody, parseDataPoint, defaultOpentsdbHttpOptions, type OpentsdbHttpOptions } from "./parser.ts";
