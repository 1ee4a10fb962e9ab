// @callbot/test-support: what several packages' tests need and no product code does.
export { freePort } from "./free-port.ts";
export { PrivateRedis, type PrivateRedisOptions } from "./private-redis.ts";
export { PseudoTerminal } from "./pseudo-terminal.ts";
