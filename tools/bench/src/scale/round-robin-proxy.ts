import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A load balancer in front of bot replicas: each request goes to the next backend in turn. */
export interface RoundRobinProxy {
  /** The address Telegram (the sandbox) delivers to. */
  url(path: string): string;
  /** Adds a backend (a replica's webhook port); requests start reaching it at once. */
  add(port: number): void;
  /** Requests each backend got, by port. */
  readonly served: Map<number, number>;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port. A backend that fails answers 502 (Telegram retries). */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  const backends: number[] = [];
  const served = new Map<number, number>();
  let turn = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const port = backends[turn++ % Math.max(1, backends.length)];
    if (port === undefined) {
      outgoing.writeHead(502).end();
      return;
    }
    served.set(port, (served.get(port) ?? 0) + 1);
    const forward = request(
      // A connection of its own per request: a kept-alive socket the backend already closed
      // (Node closes idle ones after 5 s) would fail the POST with a reset.
      {
        host: "127.0.0.1",
        port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent: false,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    add: (backend) => backends.push(backend),
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
