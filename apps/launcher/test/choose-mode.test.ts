import { describe, expect, it } from "vitest";
import { chooseLaunchMode } from "../src/choose-mode.ts";

describe("chooseLaunchMode", () => {
  it.each([
    [{}, "sandbox"],
    [{ REDIS_URL: "redis://127.0.0.1:6379", OWNER_IDS: "1" }, "sandbox"],
    [{ BOT_TOKEN: "  " }, "sandbox"],
    [{ BOT_TOKEN: "123:abc" }, "production"],
    [{ TG_SESSION_FILE: "/run/secrets/session" }, "production"],
    [{ TG_API_ID: "12345" }, "production"],
  ])("%j -> %s", (env, mode) => {
    expect(chooseLaunchMode(env)).toBe(mode);
  });
});
