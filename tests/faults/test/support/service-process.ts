import { fileURLToPath } from "node:url";
import { ServiceProcess as ChildServiceProcess } from "@callbot/test-support";
import type { OutputCapture } from "./output-capture.ts";

export { type Exit, logMessageOf } from "@callbot/test-support";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const ENTRY = {
  bot: "apps/bot/src/main.ts",
  worker: "apps/worker/src/main.ts",
  sandbox: "packages/sandbox/src/cli.ts",
} as const;

/**
 * A product process (`node --import tsx <entry>`, as in production) whose every output line is
 * recorded (in order, and in the file's OutputCapture unless `capture` is false) so that tests
 * can wait for a log message instead of sleeping.
 */
export class ServiceProcess extends ChildServiceProcess {
  constructor(
    name: string,
    entry: string,
    env: Record<string, string>,
    capture: OutputCapture | undefined,
    args: string[] = [],
  ) {
    super({
      name,
      args: ["--import", "tsx", entry, ...args],
      cwd: REPO_ROOT,
      // Only what the test gives: no REDIS_URL or token from the developer's shell leaks in.
      env: { PATH: process.env.PATH ?? "", ...env },
      ...(capture && { onLine: (line: string) => capture.add(name, line) }),
    });
  }
}
