import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

/** A load balancer in front of bot replicas: each request goes to the next backend in turn. */
export interface RoundRobinProxy {
  /** The address Telegram (the sandbox) delivers to. */
  url(path: string): string;
  /** Adds a backend (a replica's webhook port); requests start reaching it at once. */
  add(port: number): void;
  /** Requests each backend got, by port. */
  readonly served: Map<number, number>;
  /** Requests answered 502 because the backend could not be reached or reset the connection, by error code. */
  readonly failed: Map<string, number>;
  /** Milliseconds from each request's arrival to the end of its answer, in the order they ended. */
  readonly answerMs: number[];
  close(): Promise<void>;
}

export interface RoundRobinProxyOptions {
  /** Sees each forwarded request's body (an update), e.g. to count its kinds. */
  observe?: (body: string) => void;
}

/** Starts the proxy on a free loopback port. A backend that fails answers 502 (Telegram retries). */
export async function startRoundRobinProxy(options: RoundRobinProxyOptions = {}): Promise<RoundRobinProxy> {
  const backends: number[] = [];
  const served = new Map<number, number>();
  const answerMs: number[] = [];
  const failed = new Map<string, number>();
  let turn = 0;
  // Kept-alive connections to the backends, as a load balancer keeps them (a TCP connection per
  // update would cost the bench's CPU and the bot's). A connection idle for 4 s is closed here,
  // before Node's server closes it at 5 s (keepAliveTimeout), so no POST goes out on a socket the
  // backend has just closed.
  const agent = new Agent({ keepAlive: true, timeout: 4_000 });
  const server: Server = createServer((incoming, outgoing) => {
    const port = backends[turn++ % Math.max(1, backends.length)];
    if (port === undefined) {
      outgoing.writeHead(502).end();
      return;
    }
    served.set(port, (served.get(port) ?? 0) + 1);
    const arrived = performance.now();
    outgoing.once("finish", () => answerMs.push(performance.now() - arrived));
    const forward = request(
      {
        host: "127.0.0.1",
        port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      failed.set(code, (failed.get(code) ?? 0) + 1);
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    const { observe } = options;
    if (observe) {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.once("end", () => observe(Buffer.concat(chunks).toString("utf8")));
    }
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    add: (backend) => backends.push(backend),
    served,
    failed,
    answerMs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
