import { z } from "zod";
import { ENV_VARIABLE_MEANINGS, type Env, type EnvVariableName } from "./env-variables.ts";

export type EnvShape = Partial<Record<EnvVariableName, z.ZodType<unknown, string | undefined>>>;

export type ParsedEnv<S extends EnvShape> = { [K in keyof S]: S[K] extends z.ZodType<infer O> ? O : never };

export type ParseEnvResult<S extends EnvShape> =
  | { ok: true; values: ParsedEnv<S>; problems: [] }
  | { ok: false; values: undefined; problems: string[] };

/**
 * Parses the variables of `shape` from `env` and turns every failure into one line that names
 * the variable, what is wrong, and what the variable is for. Unset and empty ("BOT_TOKEN=" in
 * a .env file) count as missing.
 */
export function parseEnvVariables<S extends EnvShape>(shape: S, env: Env): ParseEnvResult<S> {
  const names = Object.keys(shape) as EnvVariableName[];
  const input: Record<string, string | undefined> = {};
  for (const name of names) {
    const raw = env[name]?.trim();
    input[name] = raw === "" ? undefined : raw;
  }
  const result = z.object(shape as Record<string, z.ZodType>).safeParse(input);
  if (result.success) return { ok: true, values: result.data as ParsedEnv<S>, problems: [] };

  const reasonsByName = new Map<EnvVariableName, string[]>();
  for (const issue of result.error.issues) {
    const name = issue.path[0] as EnvVariableName;
    const reasons = reasonsByName.get(name) ?? [];
    reasons.push(issue.message);
    reasonsByName.set(name, reasons);
  }
  const problems = names
    .filter((name) => reasonsByName.has(name))
    .map((name) =>
      input[name] === undefined
        ? missingProblem(name)
        : invalidProblem(name, (reasonsByName.get(name) ?? []).join("; ")),
    );
  return { ok: false, values: undefined, problems };
}

export function missingProblem(name: EnvVariableName): string {
  return `${name} is missing: ${ENV_VARIABLE_MEANINGS[name]}`;
}

export function invalidProblem(name: EnvVariableName, reason: string): string {
  return `${name} is invalid (${reason}): ${ENV_VARIABLE_MEANINGS[name]}`;
}
