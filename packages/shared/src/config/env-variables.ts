/**
 * Every environment variable callbot reads, with what it means. The meaning is part of every
 * configuration error message, so an operator learns what to set, not just that something is wrong.
 */
export const ENV_VARIABLE_MEANINGS = {
  BOT_TOKEN: "the token @BotFather gave your bot, like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
  BOT_API_ROOT:
    "where the Bot API server is, without a trailing slash, like https://api.telegram.org (the default when unset) or http://127.0.0.1:8081",
  BOT_API_RETRY_DELAY_MS:
    "optional milliseconds the bot waits before trying again a Bot API call Telegram answered with a server error (5xx), doubling after each of 3 tries, 100 to 60000, default 3000",
  OWNER_IDS:
    "the Telegram user ids allowed to use the bot, comma-separated, like 1001,1002 (a user can learn their id from @userinfobot)",
  WEBHOOK_URL:
    "optional public https:// URL Telegram sends updates to (webhook mode), like https://bot.example.com/telegram; unset: long polling",
  WEBHOOK_SECRET:
    "the secret Telegram sends with every webhook request (16 to 256 characters A-Z, a-z, 0-9, _ or -; e.g. openssl rand -hex 32); required with WEBHOOK_URL",
  WEBHOOK_LISTEN:
    "host:port the webhook server listens on behind your HTTPS proxy (default 127.0.0.1:8080: the proxy runs on the same host; 0.0.0.0:8080 to reach it from another host or container)",
  WEBHOOK_MAX_CONNECTIONS:
    "optional number of webhook requests Telegram keeps open at once (setWebhook's max_connections), 1 to 100, default 100; with several bot replicas they share it, so it bounds the bot's throughput whatever the number of replicas",
  REDIS_URL:
    "where Redis runs, like redis://127.0.0.1:6379 (the default) or redis://:password@host:6379/0; a Redis Cluster as redis+cluster://[:password@]host:port,host:port (any of its nodes; rediss+cluster:// for TLS)",
  TG_API_ID: "the api_id of your Telegram application from https://my.telegram.org, a number like 1234567",
  TG_API_HASH: "the api_hash of your Telegram application from https://my.telegram.org, 32 hex characters",
  TG_SESSION:
    "the assistant account's gramjs session string; set TG_SESSION or TG_SESSION_FILE, exactly one of them",
  TG_SESSION_FILE:
    "the path of a file holding the assistant account's gramjs session string; set TG_SESSION or TG_SESSION_FILE, exactly one of them",
  TG_DC:
    "optional host:port of the Telegram server the worker connects to, like 149.154.167.50:443; leave unset for Telegram's own",
  TG_DC_PUBLIC_KEY:
    "optional RSA public key (PEM; newlines may be written as \\n) of the server at TG_DC, needed only to log in from scratch (pnpm session) on a server whose key gramjs does not hold, like the sandbox (`pnpm sandbox` prints it as publicKey)",
  TG_CONNECT_TIMEOUT_MS:
    "optional milliseconds the worker's first connection to Telegram may take before start-up gives up (a dead session looks like a server that never answers), 1000 to 600000, default 20000",
  DEFAULT_TIME_ZONE:
    "the IANA time zone for times typed without one, like Europe/Berlin or America/New_York (default UTC)",
  QUEUE_PREFIX:
    "the prefix of every Redis key callbot writes (BullMQ queues, caches, locks), default callbot ({callbot} on a Redis Cluster, where it needs a hash tag in braces); the bot and the worker must use the same one",
  LOG_LEVEL: "how much to log: fatal, error, warn, info, debug, trace or silent (default info)",
  ALLOW_REDIS_EVICTION:
    "set to 1 to start even though Redis may evict keys (maxmemory-policy other than noeviction); this risks losing queued calls",
  METRICS_LISTEN:
    "optional host:port where /healthz, /readyz and /metrics are served, like 127.0.0.1:9464 (unset: not served; they have no authentication, so keep them on 127.0.0.1 or a private network)",
  DASHBOARD_LISTEN:
    "optional host:port where the bot serves the queue dashboard (bull-board), like 127.0.0.1:3000 (unset: not served); an address other than 127.0.0.1/::1/localhost needs DASHBOARD_USER and DASHBOARD_PASSWORD",
  DASHBOARD_USER:
    "the user name the dashboard asks for (HTTP basic auth), like ops; set together with DASHBOARD_PASSWORD",
  DASHBOARD_PASSWORD:
    "the password the dashboard asks for (HTTP basic auth), at least 12 characters (e.g. from: openssl rand -hex 16); set together with DASHBOARD_USER",
  NODE_ENV: "production makes the checks strict (TG_API_HASH must be 32 hex characters)",
} as const;

export type EnvVariableName = keyof typeof ENV_VARIABLE_MEANINGS;

/** Variables whose values must never be printed, not even in an error message. */
export const SECRET_ENV_VARIABLES: readonly EnvVariableName[] = [
  "BOT_TOKEN",
  "TG_SESSION",
  "TG_API_HASH",
  "WEBHOOK_SECRET",
  "DASHBOARD_PASSWORD",
];

/** An environment: process.env in production, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;
