import { connect, createServer, type Server, type Socket } from "node:net";

export interface StallableProxyOptions {
  /**
   * Holds Redis's replies to the connection that names itself `name` (CLIENT SETNAME, sent as it
   * connects) for `forMs`: that one connection is slow to become ready, the others are not.
   */
  holdConnectionNamed?: { name: string; forMs: number };
}

/**
 * A TCP proxy between a client (the worker, the bot's queue) and Redis that a test can stall: while stalled,
 * no byte moves either way and no connection is closed, which is what a congested or
 * half-dead network looks like to both ends (unlike a reset, which ioredis notices at once).
 */
export class StallableProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private stalled = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(
    target: { host: string; port: number },
    options: StallableProxyOptions = {},
  ): Promise<StallableProxy> {
    let proxy: StallableProxy | undefined;
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      const pair: [Socket, Socket] = [client, upstream];
      proxy?.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      if (proxy?.stalled) for (const socket of pair) socket.pause();
      const hold = options.holdConnectionNamed;
      if (hold)
        client.once("data", (chunk: Buffer) => {
          if (!chunk.includes(hold.name)) return;
          upstream.pause();
          setTimeout(() => {
            if (!proxy?.stalled) upstream.resume();
          }, hold.forMs);
        });
      const close = () => {
        proxy?.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("the proxy has no port");
    proxy = new StallableProxy(server, address.port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops reading from both sides of every connection: requests and replies sit in the buffers. */
  stall(): void {
    this.stalled = true;
    for (const pair of this.pairs) for (const socket of pair) socket.pause();
  }

  resume(): void {
    this.stalled = false;
    for (const pair of this.pairs) for (const socket of pair) socket.resume();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) for (const socket of pair) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
