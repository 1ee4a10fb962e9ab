import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import type { LogLevel } from "../config/env-schemas.ts";
import { createSecretScrubber, REDACTED_TEXT, scrubDeep } from "./secret-scrubber.ts";

export interface CreateLoggerOptions {
  level: LogLevel;
  /** The secret values to keep out of logs: configSecrets(config) gives them. */
  secrets: readonly string[];
  /** "bot", "worker", ...: on every line, to tell processes apart. */
  name: string;
  /** Default: standard output, written asynchronously. Tests pass a stream they read. */
  destination?: DestinationStream;
}

/**
 * Field names that hold secrets, at the top level and one level down. Redacted whatever their
 * value, so that a secret nobody listed (a new token) is still kept out.
 */
export const SECRET_FIELD_PATHS = [
  "botToken",
  "token",
  "session",
  "tgSession",
  "sessionString",
  "apiHash",
  "tgApiHash",
  "password",
  "*.botToken",
  "*.token",
  "*.session",
  "*.tgSession",
  "*.sessionString",
  "*.apiHash",
  "*.tgApiHash",
  "*.password",
];

/**
 * A pino logger that keeps secrets out of every line, in three layers:
 * 1. fields named like secrets (SECRET_FIELD_PATHS) are replaced by "[redacted]";
 * 2. every argument of a log call is scrubbed before pino formats it: strings, nested objects,
 *    errors with their message, stack and cause, so interpolated messages are clean too;
 * 3. the finished JSON line is scrubbed once more before it is written, which catches whatever
 *    the first two miss (a secret in a Buffer, a Map, a custom serializer's output).
 * Secret values are replaced wherever they appear, including a bot token's secret part in a
 * Bot API URL ("/bot123:ABC/sendMessage" -> "/bot[redacted]/sendMessage").
 *
 * @example const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "bot" });
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const scrub = createSecretScrubber(options.secrets);
  const loggerOptions: LoggerOptions = {
    name: options.name,
    level: options.level,
    redact: { paths: SECRET_FIELD_PATHS, censor: REDACTED_TEXT },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => scrubDeep(arg, scrub)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
      streamWrite: scrub,
    },
    formatters: {
      bindings: (bindings) => scrubDeep(bindings, scrub) as Record<string, unknown>,
    },
  };
  // Standard output is written asynchronously: a busy process hands lines written meanwhile to
  // one write call instead of making a system call per line on its event loop (about 5% of the
  // bot's CPU at the maximum rate). pino flushes what is left synchronously when the process
  // exits, process.exit() and fatal errors included.
  return pino(loggerOptions, options.destination ?? pino.destination({ dest: 1, sync: false }));
}
