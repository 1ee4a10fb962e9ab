import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A redis-server of the test's own, on a free port, with the settings the test needs. */
export interface PrivateRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts `redis-server` with no persistence plus `extraArgs`, and waits until it answers PING.
 * @param password when the server requires one (--requirepass), to probe it.
 */
export async function startPrivateRedis(extraArgs: string[], password?: string): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extraArgs],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    await waitForPong(port, password, 10_000);
  } catch (error) {
    // Never leave a server behind, even when the test gives up on it.
    await stop();
    throw error;
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}

async function waitForPong(port: number, password: string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const probe = new Redis({
      port,
      host: "127.0.0.1",
      password,
      lazyConnect: true,
      retryStrategy: () => null,
      connectTimeout: 1_000,
      // ioredis's ready check sends INFO, which some tests disable.
      enableReadyCheck: false,
    });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      // Not up yet: poll again.
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`private redis-server on port ${port} did not answer within ${timeoutMs} ms`);
}
