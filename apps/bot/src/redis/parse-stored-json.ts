import type { Logger } from "pino";

/** The part of a zod schema used here, so any schema (or none) fits. */
export interface StoredShape<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface ParseStoredOptions<T> {
  /** The Redis key it was read from, named in the log line. */
  key: string;
  schema?: StoredShape<T>;
  logger?: Logger;
}

/**
 * A JSON record read back from Redis, or undefined when it is missing or corrupt (not JSON, or
 * not the shape `schema` expects). A corrupt record is logged with its key and skipped by the
 * caller: one bad record (a hand edit, a half-written value, an older version's format) must
 * never stop a command, a list or a start-up.
 */
export function parseStoredJson<T>(raw: string | null, options: ParseStoredOptions<T>): T | undefined {
  if (raw === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    options.logger?.error({ key: options.key, err: error }, "skipped a corrupt record in Redis (not JSON)");
    return undefined;
  }
  if (!options.schema) return value as T;
  const parsed = options.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  options.logger?.error({ key: options.key }, "skipped a corrupt record in Redis (unexpected shape)");
  return undefined;
}
