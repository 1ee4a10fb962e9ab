import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { OutputCapture } from "./output-capture.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const ENTRY = {
  bot: "apps/bot/src/main.ts",
  worker: "apps/worker/src/main.ts",
  sandbox: "packages/sandbox/src/cli.ts",
} as const;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (Date.now()). */
  at: number;
}

/**
 * A product process (`node --import tsx <entry>`, as in production) whose every output line is
 * recorded (in order, and in the file's OutputCapture unless `capture` is false) so that tests
 * can wait for a log message instead of sleeping.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string>,
    capture: OutputCapture | undefined,
    args: string[] = [],
  ) {
    this.child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
      cwd: REPO_ROOT,
      // Only what the test gives: no REDIS_URL or token from the developer's shell leaks in.
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onLine = (line: string) => {
      this.lines.push(line);
      capture?.add(name, line);
      for (const listener of this.listeners) listener(line);
    };
    createInterface({ input: this.child.stdout! }).on("line", onLine);
    createInterface({ input: this.child.stderr! }).on("line", onLine);
    this.exited = once(this.child, "exit").then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      at: Date.now(),
    }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (already printed or to come) that matches; rejects on exit or timeout. */
  waitForLine(matches: RegExp | ((line: string) => boolean), timeoutMs = 45_000): Promise<string> {
    const test = typeof matches === "function" ? matches : (line: string) => matches.test(line);
    const earlier = this.lines.find(test);
    if (earlier !== undefined) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const done = (error: Error | undefined, line?: string) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (error) reject(error);
        else resolve(line ?? "");
      };
      const listener = (line: string) => {
        if (test(line)) done(undefined, line);
      };
      const timer = setTimeout(
        () =>
          done(new Error(`${this.name} printed no line matching ${String(matches)} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.listeners.add(listener);
      this.exited.then((exit) => {
        if (this.listeners.has(listener)) {
          done(
            new Error(
              `${this.name} exited (code ${exit.code}, signal ${exit.signal}) before printing ${String(matches)}; last lines:\n${this.lines.slice(-15).join("\n")}`,
            ),
          );
        }
      });
    });
  }

  /** Resolves once the process logged a pino message that matches. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<string> {
    return this.waitForLine((line) => msg.test(logMessageOf(line) ?? ""), timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL and wait for the exit: no clean-up runs, as when a machine or an OOM killer takes it. */
  async kill(): Promise<Exit> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /** For afterEach: whatever state it is in, make sure it is gone. */
  async dispose(): Promise<void> {
    if (this.running) await this.kill();
  }
}

/** The pino `msg` of a JSON log line, if it is one. */
export function logMessageOf(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === "string" ? parsed.msg : undefined;
  } catch {
    return undefined;
  }
}
