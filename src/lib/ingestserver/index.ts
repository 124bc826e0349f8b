// Listeners for push-style ingestion protocols (Graphite, InfluxDB and
// OpenTSDB over TCP and UDP, OpenTSDB HTTP on its own port), after
// VictoriaMetrics' lib/ingestserver. Memory per connection is bounded: lines
// are processed synchronously as they arrive and only an unfinished last line
// (at most maxLineLen bytes; at most maxPendingBytes across connections) is
// kept. stop() closes listeners and connections.
export { LineSplitter, TooLongLineError } from "./line_splitter.ts";
export { TcpServer, type TcpServerOptions, type Conn, type LinesHandler } from "./tcp_server.ts";
export { UdpServer, type UdpServerOptions } from "./udp_server.ts";
export { LineListeners } from "./line_listeners.ts";
export { ConnHttpServer, type ConnHttpHandler } from "./conn_http_server.ts";
