// Parsing of listen addresses in the syntax of -httpListenAddr (Go's
// net.SplitHostPort): `:8428`, `127.0.0.1:8428`, `[::1]:8428`, `localhost:0`.

/** ListenAddr is a parsed listen address. host is undefined for all interfaces. */
export interface ListenAddr {
  host: string | undefined;
  port: number;
}

/**
 * parseListenAddr parses a listen address as VictoriaMetrics accepts it in
 * -httpListenAddr. An empty host (`:8428`) means all interfaces and yields
 * host undefined; an IPv6 host must be in brackets (`[::1]:8428`) and is
 * returned without them. The port must be a decimal number in 0..65535
 * (0 asks the OS for a free port). Throws a RangeError on bad input.
 */
export function parseListenAddr(addr: string): ListenAddr {
  const bad = (why: string): RangeError =>
    new RangeError(`cannot parse listen address ${JSON.stringify(addr)}: ${why}; want host:port such as :8428, 127.0.0.1:8428 or [::1]:8428`);
  const colon = addr.lastIndexOf(":");
  if (colon < 0) throw bad("missing port");
  let host = addr.slice(0, colon);
  const portText = addr.slice(colon + 1);
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw bad("missing ']' after the IPv6 address");
    host = host.slice(1, -1);
    if (host === "" || !host.includes(":")) throw bad(`got [${host}]; brackets are only for IPv6 addresses`);
  } else {
    if (host.includes(":")) throw bad("too many colons; put an IPv6 address in brackets");
    if (host.includes("[") || host.includes("]")) throw bad("unexpected bracket");
  }
  if (/\s/.test(host)) throw bad("the host contains whitespace");
  if (!/^[0-9]{1,5}$/.test(portText)) throw bad(`got port ${JSON.stringify(portText)}`);
  const port = Number(portText);
  if (port > 65535) throw bad(`got port ${port}; the port must not exceed 65535`);
  return { host: host === "" ? undefined : host, port };
}
