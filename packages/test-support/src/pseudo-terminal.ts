import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "./wait-for.ts";

/**
 * A command run on a pseudo-terminal, driven as a person at a keyboard would. `script` (from
 * util-linux, on every Debian) gives the command a tty; what the test types goes to script's
 * stdin and reaches the command as keystrokes, and everything the terminal shows (prompts, the
 * echo of what is typed) comes back on script's stdout.
 */
export class PseudoTerminal {
  private screen = "";
  private readonly process: ChildProcess;
  readonly exited: Promise<number>;

  constructor(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.process = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => {
      this.screen += chunk.toString("utf8");
    };
    this.process.stdout?.on("data", collect);
    this.process.stderr?.on("data", collect);
    this.exited = new Promise((resolve) =>
      this.process.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))),
    );
  }

  /** Everything the terminal showed so far, with line endings as "\n". */
  get text(): string {
    return this.screen.replace(/\r\n/g, "\n").replace(/\r/g, "");
  }

  /** Waits until the terminal shows `pattern` after the first `from` characters; returns the index after the match. */
  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 30_000): Promise<number> {
    try {
      return await waitFor(
        () => this.endOf(pattern, from),
        `the terminal to show ${String(pattern)}`,
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; it shows:\n${this.text}`);
    }
  }

  /** The index just after the first match of `pattern` at or after `from`, or undefined. */
  private endOf(pattern: RegExp | string, from: number): number | undefined {
    const rest = this.text.slice(from);
    if (typeof pattern === "string") {
      const index = rest.indexOf(pattern);
      return index < 0 ? undefined : from + index + pattern.length;
    }
    const match = pattern.exec(rest);
    return match ? from + match.index + match[0].length : undefined;
  }

  /** Types a line and presses Enter. */
  typeLine(text: string): void {
    this.process.stdin?.write(`${text}\r`);
  }

  /** Types keys without Enter (e.g. "\u0003" is Ctrl+C). */
  press(keys: string): void {
    this.process.stdin?.write(keys);
  }

  kill(): void {
    this.process.kill("SIGKILL");
  }
}
