// The contract between the bot and the worker: job and result schemas, queue names.

// Configuration: one parse of the environment at start-up.
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
export * from "./contract/worker-alert.ts";

// Redis.
export * from "./redis/redact-redis-url.ts";
