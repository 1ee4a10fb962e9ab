import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { parseRedisAddress } from "../redis/redis-address.ts";

/**
 * One zod schema per environment variable. Each takes the raw string (or undefined when the
 * variable is unset or empty) and gives the typed value. Messages say what is wrong without
 * repeating the value, because some values are secrets; the variable's meaning is added by
 * parseEnvVariables.
 */

export const BotTokenSchema = z
  .string()
  .regex(/^\d+:[A-Za-z0-9_-]+$/, "expected the bot's numeric id, a colon, then letters, digits, _ or -");

/** The problem with an http(s) URL in `value`, or undefined when it is one. */
function httpUrlProblem(value: string, schemes: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  return url.protocol === "http:" || url.protocol === "https:"
    ? undefined
    : `"${value}" must start with ${schemes}`;
}

export const BotApiRootSchema = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    const problem = httpUrlProblem(value, "http:// or https://");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
    // grammY appends "/bot<token>/<method>" to the root; a trailing slash would give "//bot...".
    if (value.endsWith("/")) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" must not end with "/"; write ${value.replace(/\/+$/, "")}`,
      });
    }
  });

export const OwnerIdsSchema = z.string().transform((value, ctx) => {
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const ids: number[] = [];
  for (const part of parts) {
    const id = /^\d+$/.test(part) ? Number(part) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      ctx.addIssue({ code: "custom", message: `"${part}" is not a positive user id` });
    } else if (!ids.includes(id)) {
      ids.push(id);
    }
  }
  if (parts.length === 0) ctx.addIssue({ code: "custom", message: "no user id given" });
  return ids;
});

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export const RedisUrlSchema = z
  .string()
  .default(DEFAULT_REDIS_URL)
  .superRefine((value, ctx) => {
    try {
      parseRedisAddress(value);
    } catch (error) {
      // The message never echoes the URL: it may hold a password.
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

export const TgApiIdSchema = z
  .string()
  .regex(/^\d+$/, "expected a whole number")
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .positive("expected a positive number")
      .max(2 ** 31 - 1, "too large for an api_id"),
  );

/**
 * An optional whole number of milliseconds from `min` to `max`: a timing setting whose default
 * lives with the code that waits (undefined when unset). Tests set short values.
 */
function optionalMillisecondsSchema(min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(ms) || ms < min || ms > max) {
        ctx.addIssue({
          code: "custom",
          message: `"${value}" is not a whole number of milliseconds from ${min} to ${max}`,
        });
        return undefined;
      }
      return ms;
    });
}

/** TG_CONNECT_TIMEOUT_MS: the worker's first-connection deadline (default 20 s in connect-userbot.ts). */
export const TgConnectTimeoutMsSchema = optionalMillisecondsSchema(1_000, 600_000);

/** BOT_API_RETRY_DELAY_MS: the first pause before a 5xx is retried (default 3 s in bot-api-retries.ts). */
export const BotApiRetryDelayMsSchema = optionalMillisecondsSchema(100, 60_000);

/** Any non-empty string: the sandbox and test servers use hashes of their own shape. */
export const TgApiHashSchema = z.string().min(1);

/** Telegram's real api_hash values: checked when NODE_ENV=production. */
export const PRODUCTION_API_HASH_PATTERN = /^[0-9a-f]{32}$/i;

export const TgSessionSchema = z.string().optional();
export const TgSessionFileSchema = z.string().optional();

export interface HostAndPort {
  host: string;
  port: number;
}

/** "host:port", or "[v6 address]:port"; undefined when the text is not that. */
export function parseHostAndPort(value: string, { allowPortZero = false } = {}): HostAndPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const lowest = allowPortZero ? 0 : 1;
  if (host === undefined || !Number.isInteger(port) || port < lowest || port > 65535) return undefined;
  return { host, port };
}

/**
 * TG_DC_PUBLIC_KEY: the RSA key of the server TG_DC names (the sandbox's, or a test server's),
 * for the auth-key exchange of a new login. Telegram's own keys are built into gramjs.
 */
export const TgDcPublicKeySchema = z
  .string()
  .optional()
  .transform((value, ctx): string | undefined => {
    if (value === undefined || value.trim() === "") return undefined;
    const pem = value.trim().replace(/\\n/g, "\n");
    try {
      if (createPublicKey(pem).asymmetricKeyType === "rsa") return pem;
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: "custom",
      message: "not an RSA public key in PEM form (-----BEGIN RSA PUBLIC KEY----- …)",
    });
    return undefined;
  });

export const TgDcSchema = z
  .string()
  .optional()
  .transform((value, ctx): HostAndPort | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseHostAndPort(value);
    if (!parsed)
      ctx.addIssue({ code: "custom", message: `"${value}" is not host:port (like 149.154.167.50:443)` });
    return parsed;
  });

/** WEBHOOK_URL: where Telegram POSTs updates; unset means long polling. */
export const WebhookUrlSchema = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    // Telegram itself only calls https:// on ports 443, 80, 88 and 8443; plain http is for the sandbox.
    const problem = httpUrlProblem(value, "https:// (or http:// for the sandbox)");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Telegram's rule for secret_token: 1 to 256 characters A-Z, a-z, 0-9, "_" and "-". */
export const WebhookSecretSchema = z
  .string()
  .optional()
  .pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, {
        error: "expected 16 to 256 characters A-Z, a-z, 0-9, '_' or '-' (e.g. from: openssl rand -hex 32)",
      })
      .optional(),
  );

/**
 * WEBHOOK_MAX_CONNECTIONS: setWebhook's max_connections, how many POSTs Telegram keeps open at
 * once (1-100; Telegram's default is 40). Unset: 100 (webhook/start-webhook-server.ts).
 */
export const WebhookMaxConnectionsSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === "") return undefined;
    const count = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(count) || count < 1 || count > 100) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a whole number from 1 to 100` });
      return undefined;
    }
    return count;
  });

/** WEBHOOK_LISTEN: the local address the webhook server binds, behind your HTTPS proxy. */
export const WebhookListenSchema = z
  .string()
  .default("127.0.0.1:8080")
  .transform((value, ctx): HostAndPort => {
    // Port 0 asks the system for a free port (tests).
    const parsed = parseHostAndPort(value, { allowPortZero: true });
    if (!parsed) ctx.addIssue({ code: "custom", message: `"${value}" is not host:port (like 0.0.0.0:8080)` });
    return parsed ?? { host: "127.0.0.1", port: 8080 };
  });

/**
 * METRICS_LISTEN: where /healthz, /readyz and /metrics are served; unset (the default) serves
 * nothing. Bind 127.0.0.1 (or a private address) unless a scraper elsewhere needs it: the
 * endpoints have no authentication.
 */
export const MetricsListenSchema = optionalListenSchema("127.0.0.1:9464");

/** DASHBOARD_LISTEN: where the bot serves the queue dashboard; unset (the default) serves nothing. */
export const DashboardListenSchema = optionalListenSchema("127.0.0.1:3000");

/** An optional "host:port" to listen on (unset or empty: nothing is served); port 0 picks a free port (tests). */
function optionalListenSchema(example: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx): HostAndPort | undefined => {
      if (value === undefined || value.trim() === "") return undefined;
      const parsed = parseHostAndPort(value.trim(), { allowPortZero: true });
      if (!parsed) ctx.addIssue({ code: "custom", message: `"${value}" is not host:port (like ${example})` });
      return parsed;
    });
}

/** DASHBOARD_USER: basic auth's user name; a colon would end it early in the Authorization header. */
export const DashboardUserSchema = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()))
  .pipe(
    z
      .string()
      .regex(/^[^:\s]{1,64}$/, { error: "1 to 64 characters, no colon or space" })
      .optional(),
  );

/** DASHBOARD_PASSWORD: basic auth's password (its length is checked with the other dashboard rules). */
export const DashboardPasswordSchema = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === "" ? undefined : value));

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .default("UTC")
  .superRefine((value, ctx) => {
    if (!isValidTimeZone(value))
      ctx.addIssue({ code: "custom", message: `"${value}" is not an IANA time zone` });
  });

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The default Redis key prefix; one Redis can hold several deployments under different prefixes. */
export const DEFAULT_QUEUE_PREFIX = "callbot";
/** The default on a Redis Cluster: in a hash tag, so every callbot key shares one slot. */
export const DEFAULT_CLUSTER_QUEUE_PREFIX = "{callbot}";

export const QueuePrefixSchema = z
  .string()
  .default(DEFAULT_QUEUE_PREFIX)
  .transform((value) => value.trim() || DEFAULT_QUEUE_PREFIX)
  // BullMQ joins prefix, queue name and id with ':'; a prefix with one would blur the key layout.
  .pipe(
    z
      .string()
      .max(64, { error: "expected at most 64 characters" })
      .regex(/^(?:[A-Za-z0-9_.-]|\{[A-Za-z0-9_.-]+\})+$/, {
        error:
          "expected 1 to 64 letters, digits, '_', '.' or '-', optionally with a hash tag in braces like {callbot}",
      }),
  );

export const LogLevelSchema = z
  .string()
  .default("info")
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` }));

export const FlagSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return false;
    const normalised = value.toLowerCase();
    if (["1", "true", "yes"].includes(normalised)) return true;
    if (["0", "false", "no"].includes(normalised)) return false;
    ctx.addIssue({ code: "custom", message: `"${value}" is not 1 or 0` });
    return false;
  });

export const NodeEnvSchema = z
  .string()
  .optional()
  .transform((value) => value === "production");
