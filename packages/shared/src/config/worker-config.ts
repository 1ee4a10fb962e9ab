import { readFileSync } from "node:fs";
import { redactRedisUrl } from "../redis/redact-redis-url.ts";
import { ConfigError } from "./config-error.ts";
import {
  FlagSchema,
  type HostAndPort,
  type LogLevel,
  LogLevelSchema,
  MetricsListenSchema,
  NodeEnvSchema,
  PRODUCTION_API_HASH_PATTERN,
  QueuePrefixSchema,
  RedisUrlSchema,
  TgApiHashSchema,
  TgApiIdSchema,
  TgConnectTimeoutMsSchema,
  TgDcPublicKeySchema,
  TgDcSchema,
  TgSessionFileSchema,
  TgSessionSchema,
} from "./env-schemas.ts";
import type { Env } from "./env-variables.ts";
import { invalidProblem, missingProblem, parseEnvVariables } from "./parse-env-variables.ts";
import { queuePrefixFromEnv } from "./queue-prefix-for.ts";
import { attachSafeSerialisation, REDACTED } from "./safe-serialisation.ts";

/** What the userbot worker needs. */
export interface WorkerConfig {
  kind: "worker";
  tgApiId: number;
  tgApiHash: string;
  /** The session string itself, from TG_SESSION or read from TG_SESSION_FILE. */
  tgSession: string;
  /** Where the session came from, when it came from a file (for messages; not a secret). */
  tgSessionFile: string | undefined;
  /** Undefined: the Telegram data centre gramjs picks itself. */
  tgDc: HostAndPort | undefined;
  /** PEM of the RSA key of the server at TG_DC (TG_DC_PUBLIC_KEY); only ever set together with tgDc. */
  tgDcPublicKey?: string;
  /** TG_CONNECT_TIMEOUT_MS: the first connection's deadline; undefined: the worker's default (20 s). */
  tgConnectTimeoutMs?: number;
  redisUrl: string;
  /** Prefix of every Redis key (QUEUE_PREFIX); the bot and the worker must agree. */
  queuePrefix: string;
  logLevel: LogLevel;
  allowRedisEviction: boolean;
  /** METRICS_LISTEN: where /healthz, /readyz and /metrics are served; undefined: not served. */
  metricsListen?: HostAndPort | undefined;
  production: boolean;
}

export const WORKER_ENV_SHAPE = {
  TG_API_ID: TgApiIdSchema,
  TG_API_HASH: TgApiHashSchema,
  TG_SESSION: TgSessionSchema,
  TG_SESSION_FILE: TgSessionFileSchema,
  TG_DC: TgDcSchema,
  TG_DC_PUBLIC_KEY: TgDcPublicKeySchema,
  TG_CONNECT_TIMEOUT_MS: TgConnectTimeoutMsSchema,
  REDIS_URL: RedisUrlSchema,
  QUEUE_PREFIX: QueuePrefixSchema,
  LOG_LEVEL: LogLevelSchema,
  ALLOW_REDIS_EVICTION: FlagSchema,
  METRICS_LISTEN: MetricsListenSchema,
  NODE_ENV: NodeEnvSchema,
};

export interface WorkerConfigDeps {
  /** Reads TG_SESSION_FILE; default fs.readFileSync as UTF-8. */
  readTextFile?: (path: string) => string;
}

export function parseWorkerConfig(
  env: Env,
  deps: WorkerConfigDeps = {},
): { config: WorkerConfig; problems: [] } | { config: undefined; problems: string[] } {
  const parsed = parseEnvVariables(WORKER_ENV_SHAPE, env);
  const problems: string[] = parsed.ok ? [] : [...parsed.problems];

  const apiHash = env.TG_API_HASH?.trim();
  if (
    env.NODE_ENV === "production" &&
    apiHash !== undefined &&
    apiHash !== "" &&
    !PRODUCTION_API_HASH_PATTERN.test(apiHash)
  ) {
    problems.push(invalidProblem("TG_API_HASH", "expected 32 hex characters in production"));
  }

  if (env.TG_DC_PUBLIC_KEY?.trim() && !env.TG_DC?.trim()) {
    // A key for "Telegram's own" servers would let someone else's server pass as Telegram.
    problems.push(
      invalidProblem(
        "TG_DC_PUBLIC_KEY",
        "it is only trusted for the server TG_DC names: set TG_DC too, or unset it",
      ),
    );
  }

  const session = readSession(env, deps.readTextFile ?? ((path) => readFileSync(path, "utf8")));
  if ("problem" in session) problems.push(session.problem);

  const prefix = queuePrefixFromEnv(env, parsed, problems);
  if (prefix === undefined || !parsed.ok || "problem" in session || problems.length > 0)
    return { config: undefined, problems };
  const values = parsed.values;
  const config: WorkerConfig = attachSafeSerialisation(
    {
      kind: "worker",
      tgApiId: values.TG_API_ID,
      tgApiHash: values.TG_API_HASH,
      tgSession: session.session,
      tgSessionFile: session.file,
      tgDc: values.TG_DC,
      ...(values.TG_DC_PUBLIC_KEY !== undefined && { tgDcPublicKey: values.TG_DC_PUBLIC_KEY }),
      ...(values.TG_CONNECT_TIMEOUT_MS !== undefined && { tgConnectTimeoutMs: values.TG_CONNECT_TIMEOUT_MS }),
      redisUrl: values.REDIS_URL,
      queuePrefix: prefix,
      logLevel: values.LOG_LEVEL,
      allowRedisEviction: values.ALLOW_REDIS_EVICTION,
      metricsListen: values.METRICS_LISTEN,
      production: values.NODE_ENV,
    },
    describeWorkerConfig,
  );
  return { config, problems: [] };
}

/** The worker's config without its secrets (describeConfig): the session and api_hash redacted. */
export function describeWorkerConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    kind: config.kind,
    tgApiId: config.tgApiId,
    tgApiHash: REDACTED,
    tgSession: REDACTED,
    tgSessionFile: config.tgSessionFile,
    tgDc: config.tgDc === undefined ? "Telegram's own" : `${config.tgDc.host}:${config.tgDc.port}`,
    redisUrl: redactRedisUrl(config.redisUrl),
    queuePrefix: config.queuePrefix,
    logLevel: config.logLevel,
    allowRedisEviction: config.allowRedisEviction,
    production: config.production,
  };
}

/**
 * Reads the worker's configuration once at start-up, including the session file.
 * @throws ConfigError listing every problem; wrap the call in exitOnConfigError in a main file.
 */
export function loadWorkerConfig(env: Env, deps: WorkerConfigDeps = {}): WorkerConfig {
  const { config, problems } = parseWorkerConfig(env, deps);
  if (config === undefined) throw new ConfigError(problems);
  return config;
}

type SessionSource = { session: string; file: string | undefined } | { problem: string };

function readSession(env: Env, readTextFile: (path: string) => string): SessionSource {
  const inline = env.TG_SESSION?.trim() || undefined;
  const file = env.TG_SESSION_FILE?.trim() || undefined;
  if (inline !== undefined && file !== undefined) {
    return {
      problem:
        "TG_SESSION and TG_SESSION_FILE are both set: set exactly one of them (the session string, or a file holding it)",
    };
  }
  if (inline !== undefined) return { session: inline, file: undefined };
  if (file === undefined) {
    return { problem: `${missingProblem("TG_SESSION")} (or TG_SESSION_FILE, a file holding it)` };
  }
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { problem: invalidProblem("TG_SESSION_FILE", `cannot read ${file}: ${code}`) };
  }
  const session = text.trim();
  if (session === "") return { problem: invalidProblem("TG_SESSION_FILE", `${file} is empty`) };
  return { session, file };
}
