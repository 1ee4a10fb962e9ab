import { performance } from "node:perf_hooks";
import { ServiceProcess as ChildService, logMessageOf } from "@callbot/test-support";
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
 * are its own, and resolves when it logs `readyMessage`. From then on its output is drained unread,
 * so that a full pipe never blocks it and parsing logs never costs the bench's own CPU.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const startedAt = performance.now();
  const startupLog: Array<{ ms: number; msg: string }> = [];
  const child = new ChildService({
    name: options.name,
    args: [...(options.nodeFlags ?? []), options.script],
    cwd: options.cwd,
    env: options.env,
    keepLines: TAIL_LINES,
    onLine: (line) => {
      const msg = logMessageOf(line);
      if (msg !== undefined) startupLog.push({ ms: Math.round(performance.now() - startedAt), msg });
    },
  });
  try {
    await child.waitForLog(options.readyMessage, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await child.kill();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${options.name} was not ready: ${message}\nIts last output:\n${child.lines.join("\n")}`);
  }
  const coldStartMs = performance.now() - startedAt;
  child.stopReading();

  const pid = child.pid!;
  const rssAtReadyBytes = await readRssBytes(pid, "VmRSS");
  return {
    pid,
    coldStartMs,
    startupLog,
    rssAtReadyBytes,
    peakRssBytes: () => readRssBytes(pid, "VmHWM"),
    rssNowBytes: () => readRssBytes(pid, "VmRSS"),
    stop: (graceMs = 10_000) => child.stop(graceMs),
  };
}
