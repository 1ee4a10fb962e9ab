import { connect, createServer, type Server, type Socket } from "node:net";

/** Bytes of a connection's earlier traffic kept, so that a marker split over two reads is found. */
const CARRY = 4_096;

/**
 * A TCP proxy in front of a Redis server that can lose a command or its reply on purpose, as when
 * the server dies between applying a write and answering it, or before the write reaches it. Once
 * a client sends bytes holding every marker, either those bytes go through to Redis (which applies
 * the command and passes it to its replicas) but nothing Redis sends on that connection reaches
 * the client any more, or neither those bytes nor any later ones on that connection reach Redis.
 * Other connections are untouched.
 */
export class ReplyLosingProxy {
  private readonly sockets = new Set<Socket>();
  private trap: { markers: string[]; sprung: () => void; lose: "reply" | "command" } | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<ReplyLosingProxy> {
    let proxy: ReplyLosingProxy | undefined;
    const server = createServer((client) => proxy?.relay(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("the proxy has no port");
    proxy = new ReplyLosingProxy(server, address.port);
    return proxy;
  }

  /**
   * From the first client write holding every marker on, that connection's replies are dropped.
   * Resolves once such a write was passed to Redis.
   */
  loseRepliesAfter(markers: string[]): Promise<void> {
    return new Promise((sprung) => {
      this.trap = { markers, sprung, lose: "reply" };
    });
  }

  /**
   * From the first client write holding every marker on, nothing that connection sends reaches
   * Redis (nor does Redis answer it): the command is lost on the way. Resolves once such a write
   * was held back.
   */
  loseCommandsFrom(markers: string[]): Promise<void> {
    return new Promise((sprung) => {
      this.trap = { markers, sprung, lose: "command" };
    });
  }

  /** Drops every connection and stops listening: to the clients, the master is gone. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, "127.0.0.1");
    let seen = "";
    let repliesLost = false;
    let commandsLost = false;
    client.on("data", (chunk: Buffer) => {
      if (commandsLost) return;
      const trap = this.trap;
      if (trap !== undefined && !repliesLost) {
        seen = (seen + chunk.toString("latin1")).slice(-CARRY - chunk.length);
        if (trap.markers.every((marker) => seen.includes(marker))) {
          this.trap = undefined;
          if (trap.lose === "command") commandsLost = true;
          else repliesLost = true;
        }
        if (commandsLost) {
          trap.sprung();
          return;
        }
        upstream.write(chunk);
        if (repliesLost) trap.sprung();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!repliesLost && !commandsLost) client.write(chunk);
    });
    const close = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    this.sockets.add(client).add(upstream);
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  }
}
