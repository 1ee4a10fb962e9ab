/** The Redis every test shares, each under a prefix of its own (CI starts it on the default port). */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
