// @callbot/test-support: what several packages' tests need and no product code does.
export { freePort } from "@callbot/shared";
export { demoCreateCallRequest } from "./create-call-request.ts";
export { deleteKeysWithPrefix } from "./delete-keys.ts";
export { DEMO, DEMO_CHATS } from "./demo-world.ts";
export { finishedJob } from "./finished-job.ts";
export { PrivateRedis, type PrivateRedisOptions } from "./private-redis.ts";
export { PseudoTerminal } from "./pseudo-terminal.ts";
export { ReplyLosingProxy } from "./reply-losing-proxy.ts";
export { type Exit, logMessageOf, ServiceProcess, type ServiceProcessOptions } from "./service-process.ts";
export { REDIS_URL } from "./shared-redis.ts";
export { StallableProxy } from "./stallable-proxy.ts";
export { waitFor } from "./wait-for.ts";
