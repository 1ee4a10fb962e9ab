import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));

/** `pnpm start` as a process, with everything it prints collected. */
export function launch(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/launcher/src/main.ts"], {
    cwd: repoRoot,
    env,
  });
  const seen = { out: "", err: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    seen.out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    seen.err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(seen.out);
      if (match) return match;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`never printed ${pattern}; stdout:\n${seen.out}\nstderr:\n${seen.err}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { child, seen, exited, waitFor };
}

export function withoutCredentials(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ["BOT_TOKEN", "TG_API_ID", "TG_API_HASH", "TG_SESSION", "TG_SESSION_FILE"])
    delete env[name];
  return env;
}

/** A port nothing listens on: the state of REDIS_URL on a machine without Redis. */
export function deadPort(): Promise<number> {
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
