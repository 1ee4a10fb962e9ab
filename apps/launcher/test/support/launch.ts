import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "@callbot/test-support";

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
  /** Resolves with the match once stdout shows `pattern`; rejects at once if the launcher exits first. */
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        reject(new Error(`${why} before printing ${pattern}; stdout:\n${seen.out}\nstderr:\n${seen.err}`));
      };
      const check = () => {
        const match = pattern.exec(seen.out);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const onExit = (code: number | null) => fail(`exited with ${code}`);
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout.off("data", check);
        child.off("exit", onExit);
      };
      // After the collector above: `seen.out` already holds the chunk when check runs.
      child.stdout.on("data", check);
      if (child.exitCode !== null) onExit(child.exitCode);
      else child.on("exit", onExit);
      check();
    });
  return { child, seen, exited, waitFor };
}

export function withoutCredentials(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ["BOT_TOKEN", "TG_API_ID", "TG_API_HASH", "TG_SESSION", "TG_SESSION_FILE"])
    delete env[name];
  return env;
}

/** A port nothing listens on: the state of REDIS_URL on a machine without Redis. */
export const deadPort = freePort;
