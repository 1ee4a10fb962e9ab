import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface, type Interface } from "node:readline";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (Date.now()). */
  at: number;
}

export interface ServiceProcessOptions {
  /** For messages: "bot", "worker", "sandbox". */
  name: string;
  /** Node's arguments: flags, then the script and its own arguments. */
  args: string[];
  cwd: string;
  /** The whole environment: nothing of the caller's leaks in unless given. */
  env: NodeJS.ProcessEnv;
  /** Sees every output line (stdout and stderr) as it comes, e.g. a test's capture. */
  onLine?: (line: string) => void;
  /** How many of the last lines `lines` keeps. @defaultValue all of them */
  keepLines?: number;
}

/**
 * A product process (bot, worker, sandbox) run as a child of its own, as in production, whose
 * output lines are read so that callers wait for a log message instead of sleeping. The faults
 * tests and the bench both start theirs with it.
 */
export class ServiceProcess {
  /** Output lines in order (the last `keepLines` of them). */
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly readers: Interface[];
  private readonly listeners = new Set<(line: string) => void>();
  private stopping: Promise<void> | undefined;

  constructor(options: ServiceProcessOptions) {
    this.name = options.name;
    this.child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = options.keepLines ?? Number.POSITIVE_INFINITY;
    const onLine = (line: string) => {
      this.lines.push(line);
      if (this.lines.length > keep) this.lines.shift();
      options.onLine?.(line);
      for (const listener of this.listeners) listener(line);
    };
    this.readers = [this.child.stdout!, this.child.stderr!].map((input) =>
      createInterface({ input }).on("line", onLine),
    );
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

  /**
   * From now on the output is drained unread (a full pipe would block the process): for a
   * measurement, where reading every log line would cost the measurer's own CPU.
   */
  stopReading(): void {
    for (const reader of this.readers) reader.close();
    this.child.stdout?.resume();
    this.child.stderr?.resume();
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL and wait for the exit: no clean-up runs, as when a machine or an OOM killer takes it. */
  async kill(): Promise<Exit> {
    this.signal("SIGKILL");
    return this.exited;
  }

  /** SIGTERM, as a supervisor stops it, then SIGKILL if it has not exited within `graceMs`. Idempotent. */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.running) return;
      this.signal("SIGTERM");
      const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return this.stopping;
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
