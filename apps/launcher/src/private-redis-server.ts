import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@callbot/shared";

/** redis-server is not on the PATH. */
export class RedisServerNotInstalled extends Error {
  override name = "RedisServerNotInstalled";
}

export interface PrivateRedisServer {
  url: string;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A redis-server of the demo's own: a free port on 127.0.0.1, a fresh temporary directory, no
 * persistence (no RDB snapshots, no append-only file). It is stopped by stop(), and killed if
 * this process exits first, so it never outlives the demo.
 */
export async function startPrivateRedisServer(): Promise<PrivateRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "callbot-demo-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const killOnExit = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  try {
    await readyToAcceptConnections(child);
  } catch (error) {
    process.off("exit", killOnExit);
    killOnExit();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      stopped ??= (async () => {
        process.off("exit", killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, "exit");
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Resolves when redis-server logs that it accepts connections; rejects if it exits or cannot start. */
function readyToAcceptConnections(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/Ready to accept connections/.test(log)) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.resume();
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "ENOENT" ? new RedisServerNotInstalled("redis-server is not installed") : error);
    });
    child.once("exit", (code) => {
      reject(
        new Error(
          `redis-server stopped at start-up (exit code ${code}): ${log.trim().split("\n").at(-1) ?? ""}`,
        ),
      );
    });
  });
}
