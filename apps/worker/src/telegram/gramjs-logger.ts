import type { Logger as PinoLogger } from "pino";
import { Logger as GramLogger, LogLevel } from "telegram/extensions/Logger.js";

/**
 * Routes gramjs's own log lines (reconnects, flood sleeps, protocol warnings) into our pino
 * logger instead of its coloured console output, so that they carry our redaction and format.
 * Only warnings and errors pass: gramjs's info level logs every connect and is noise here.
 */
export function gramjsLoggerFor(logger: PinoLogger): GramLogger {
  const child = logger.child({ component: "gramjs" });
  class RoutedGramLogger extends GramLogger {
    override log(level: LogLevel, message: string, _color: string): void {
      if (level === LogLevel.ERROR) child.error(message);
      else if (level === LogLevel.WARN) child.warn(message);
      else child.debug(message);
    }
  }
  return new RoutedGramLogger(LogLevel.WARN);
}
