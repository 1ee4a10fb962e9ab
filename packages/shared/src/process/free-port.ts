import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 nobody listens on right now (the OS picks it, then it is let go).
 * For a server of our own (the demo's redis-server, a test's): another process could take the
 * port in between, which is why callers start their server at once and fail loudly if it is taken.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}
