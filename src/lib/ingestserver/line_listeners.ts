// TCP and UDP listeners on one address, as VictoriaMetrics starts them for
// -graphiteListenAddr, -influxListenAddr and -opentsdbListenAddr.
import { TcpServer, type TcpServerOptions } from "./tcp_server.ts";
import { UdpServer } from "./udp_server.ts";

/**
 * LineListeners is a TCP listener and a UDP listener sharing one address
 * and one lines handler.
 */
export class LineListeners {
  readonly tcp: TcpServer;
  readonly udp: UdpServer;

  private constructor(tcp: TcpServer, udp: UdpServer) {
    this.tcp = tcp;
    this.udp = udp;
  }

  /**
   * start binds TCP then UDP on opts.listenAddr. With port 0 the UDP socket
   * takes the port the TCP listener got, so one number serves both. It
   * rejects (with nothing left listening) when either cannot be bound.
   */
  static async start(opts: TcpServerOptions): Promise<LineListeners> {
    const tcp = await TcpServer.start(opts);
    const colon = opts.listenAddr.lastIndexOf(":");
    const udpAddr = `${opts.listenAddr.slice(0, colon)}:${tcp.port}`;
    let udp: UdpServer;
    try {
      udp = await UdpServer.start({ name: opts.name, listenAddr: udpAddr, onLines: opts.onLines });
    } catch (e) {
      await tcp.stop();
      throw e;
    }
    return new LineListeners(tcp, udp);
  }

  /** stop stops both listeners (see TcpServer.stop). */
  async stop(): Promise<void> {
    await Promise.all([this.tcp.stop(), this.udp.stop()]);
  }
}
