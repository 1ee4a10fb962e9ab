// Everything @callbot/shared offers: the bot/worker contract (contract/), configuration (config/),
// Redis (redis/), queues (queues/), Telegram facts (telegram/) and logging (logging/).
export * from "./config/bot-config.ts";
export * from "./config/config-error.ts";
export * from "./config/describe-config.ts";
export * from "./config/env-schemas.ts";
export * from "./config/env-variables.ts";
export * from "./config/parse-env-variables.ts";
export * from "./config/worker-config.ts";
export * from "./contract/call-request.ts";
export * from "./contract/call-result.ts";
export * from "./contract/queue-names.ts";
export * from "./contract/results-message.ts";
export * from "./contract/userbot-identity.ts";
export * from "./contract/worker-alert.ts";
export * from "./queues/call-job-options.ts";
export * from "./queues/job-id.ts";
export * from "./redis/assert-redis-reachable.ts";
export * from "./redis/check-maxmemory-policy.ts";
export * from "./redis/create-redis-connection.ts";
export * from "./redis/redact-redis-url.ts";
export * from "./redis/redis-options.ts";
export * from "./redis/wait-until-ready.ts";
export * from "./telegram/describe-telegram-error.ts";
export * from "./telegram/format-wait.ts";
export * from "./telegram/parse-telegram-error-name.ts";
export * from "./telegram/random-id.ts";
export * from "./telegram/telegram-error-catalogue.ts";
