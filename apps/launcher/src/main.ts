import { CONFIG_ERROR_EXIT_CODE, ConfigError } from "@callbot/shared";
import { chooseLaunchMode } from "./choose-mode.ts";
import { runProduction } from "./run-production.ts";
import { runSandboxDemo } from "./run-sandbox-demo.ts";

/**
 * `pnpm start`: the product. With Telegram credentials in the environment it runs the bot and
 * the worker against Telegram; with none it runs them against the local sandbox and opens a
 * terminal chat, so that a newcomer sees callbot work before creating any account.
 */
try {
  if (chooseLaunchMode(process.env) === "production") {
    await runProduction(process.env);
  } else {
    await runSandboxDemo({ env: process.env, input: process.stdin, output: process.stdout });
  }
} catch (error) {
  // A configuration problem is the environment's, not the code's: its message, no stack.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
  process.stderr.write(
    `callbot could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
