import { type ChildProcess, spawn } from "node:child_process";

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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(from);
      const match = typeof pattern === "string" ? undefined : pattern.exec(rest);
      const index = typeof pattern === "string" ? rest.indexOf(pattern) : (match?.index ?? -1);
      if (index >= 0)
        return from + index + (typeof pattern === "string" ? pattern.length : (match?.[0].length ?? 0));
      if (Date.now() > deadline) {
        throw new Error(`the terminal never showed ${String(pattern)}; it shows:\n${this.text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
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
