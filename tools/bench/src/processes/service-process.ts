import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { readRssBytes } from "./read-rss.ts";

export interface ServiceProcessOptions {
  /** For messages: "bot" or "worker". */
  name: string;
  /** The app's production bundle (dist/main.mjs), run as `node <script>` as deployed. */
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Matches the pino `msg` of the log line that says the process is ready. */
  readyMessage: RegExp;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** @defaultValue 30000 */
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  pid: number;
  /** From spawn() to the ready log line: the honest cold start (loading the code included). */
  coldStartMs: number;
  /** Each log message before ready, with ms since spawn: where the cold start went. */
  startupLog: Array<{ ms: number; msg: string }>;
  /** Resident memory just after ready, before any load. */
  rssAtReadyBytes: number | undefined;
  peakRssBytes(): Promise<number | undefined>;
  /** Resident memory now (VmRSS). */
  rssNowBytes(): Promise<number | undefined>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** How many of the child's last output lines an error message shows. */
const TAIL_LINES = 20;

/**
 * Starts a product process (bot or worker) as a child of its own, so that its memory and start-up
 * are its own, and resolves when it logs `readyMessage`. Its stdout keeps being read (and
 * dropped) so that a full pipe never blocks it.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const startupLog: Array<{ ms: number; msg: string }> = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr! }).on("line", remember);
  const lines = createInterface({ input: child.stdout! });

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`${options.name} did not log ${options.readyMessage} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onLine = (line: string) => {
        remember(line);
        const msg = logMessageOf(line);
        if (msg !== undefined) startupLog.push({ ms: Math.round(performance.now() - startedAt), msg });
        if (msg === undefined || !options.readyMessage.test(msg)) return;
        cleanup();
        resolve();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal})`));
      const fail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        lines.off("line", onLine);
        child.off("exit", onExit);
      };
      lines.on("line", onLine);
      child.once("exit", onExit);
    });
  } catch (error) {
    child.kill("SIGKILL");
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\nIts last output:\n${tail.join("\n")}`);
  }
  const coldStartMs = performance.now() - startedAt;
  // After start-up the logs are only drained: parsing them would cost the bench's own CPU.
  lines.close();
  child.stdout!.resume();

  const rssAtReadyBytes = await readRssBytes(child.pid!, "VmRSS");
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    coldStartMs,
    startupLog,
    rssAtReadyBytes,
    peakRssBytes: () => readRssBytes(child.pid!, "VmHWM"),
    rssNowBytes: () => readRssBytes(child.pid!, "VmRSS"),
    stop: (graceMs = 10_000) => {
      stopping ??= stopChild(child, graceMs);
      return stopping;
    },
  };
}

function logMessageOf(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === "string" ? parsed.msg : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
