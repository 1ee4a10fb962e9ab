import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";

/** The person pressed Ctrl+C (or the process got SIGINT/SIGTERM). */
export class LoginCancelled extends Error {
  override name = "LoginCancelled";
}

export interface TerminalPrompts {
  /** Asks a question; what is typed is shown. */
  ask(question: string): Promise<string>;
  /** Asks for a secret; nothing typed is shown (not even stars). */
  askSecret(question: string): Promise<string>;
  say(line: string): void;
  /** Aborted on Ctrl+C: pending questions reject with LoginCancelled. */
  readonly cancelled: AbortSignal;
  close(): void;
}

/**
 * Questions on a terminal through readline. Secrets are read with readline's echo going to a
 * muted output: on a TTY readline echoes keystrokes itself (the terminal is in raw mode), so
 * muting its output hides them while Backspace and line editing keep working.
 */
export function terminalPrompts(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): TerminalPrompts {
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const isTty = Boolean((input as { isTTY?: boolean }).isTTY);
  const readline = createInterface({ input, output: echo, terminal: isTty });
  const controller = new AbortController();
  const cancel = () => controller.abort(new LoginCancelled("cancelled"));
  readline.on("SIGINT", cancel);
  readline.on("close", cancel); // end of input (Ctrl+D, a closed pipe): nothing more will be answered
  process.once("SIGINT", cancel);
  process.once("SIGTERM", cancel);

  const question = async (text: string): Promise<string> => {
    try {
      return (await readline.question(text, { signal: controller.signal })).trim();
    } catch (error) {
      throw controller.signal.aborted ? new LoginCancelled("cancelled") : error;
    }
  };
  return {
    ask: question,
    async askSecret(text) {
      output.write(text);
      muted = true;
      try {
        return await question("");
      } finally {
        muted = false;
        output.write("\n");
      }
    },
    say(line) {
      output.write(`${line}\n`);
    },
    cancelled: controller.signal,
    close() {
      process.off("SIGINT", cancel);
      process.off("SIGTERM", cancel);
      readline.off("close", cancel);
      readline.close();
    },
  };
}
