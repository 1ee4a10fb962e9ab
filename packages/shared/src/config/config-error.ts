/**
 * A start-up configuration problem. Its message lists every problem at once, each with what
 * the variable is for, so that an operator fixes the environment in one go rather than one
 * crash at a time.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(formatProblems(problems));
    this.problems = problems;
  }
}

function formatProblems(problems: readonly string[]): string {
  const heading =
    problems.length === 1
      ? "callbot cannot start: 1 configuration problem"
      : `callbot cannot start: ${problems.length} configuration problems`;
  return [`${heading}:`, ...problems.map((problem) => `  - ${problem}`)].join("\n");
}

/** Exit status for a configuration error: EX_CONFIG from sysexits.h. */
export const CONFIG_ERROR_EXIT_CODE = 78;

export interface ExitOnConfigErrorIo {
  /** Where the message goes; default process.stderr. */
  writeError?: (text: string) => void;
  /** Default process.exit. */
  exit?: (code: number) => never;
}

/**
 * Runs `load` and returns its result; on a ConfigError prints only its message (no stack
 * trace: the problem is the environment, not the code) and exits with CONFIG_ERROR_EXIT_CODE.
 * Any other error is re-thrown untouched.
 *
 * @example const config = exitOnConfigError(() => loadBotConfig(process.env));
 */
export function exitOnConfigError<T>(load: () => T, io: ExitOnConfigErrorIo = {}): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const writeError = io.writeError ?? ((text: string) => process.stderr.write(text));
    const exit = io.exit ?? ((code: number) => process.exit(code));
    writeError(`${error.message}\n`);
    return exit(CONFIG_ERROR_EXIT_CODE);
  }
}
