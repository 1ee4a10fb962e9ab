import { describe, expect, it } from "vitest";
import {
  configSecrets,
  hashTagOf,
  loadBotConfig,
  loadWorkerConfig,
  parseRedisAddress,
  redactRedisUrl,
} from "../src/index.ts";

describe("REDIS_URL: one server or a Redis Cluster", () => {
  it.each([
    ["redis://127.0.0.1:6379", { kind: "server", url: "redis://127.0.0.1:6379" }],
    [
      "redis+cluster://10.0.0.1:7000,10.0.0.2:7001",
      {
        kind: "cluster",
        tls: false,
        nodes: [
          { host: "10.0.0.1", port: 7000 },
          { host: "10.0.0.2", port: 7001 },
        ],
      },
    ],
    [
      "rediss+cluster://app:p%40ss:w@redis-a:7000,[::1]:7001/",
      {
        kind: "cluster",
        tls: true,
        username: "app",
        password: "p@ss:w",
        nodes: [
          { host: "redis-a", port: 7000 },
          { host: "::1", port: 7001 },
        ],
      },
    ],
    [
      "redis+sentinel://:pw@10.0.0.1:26379,10.0.0.2:26379/mymaster",
      {
        kind: "sentinel",
        tls: false,
        name: "mymaster",
        password: "pw",
        sentinels: [
          { host: "10.0.0.1", port: 26379 },
          { host: "10.0.0.2", port: 26379 },
        ],
      },
    ],
  ])("%s", (url, expected) => {
    expect(parseRedisAddress(url)).toEqual(expected);
  });

  it.each(["http://x", "redis+cluster://host", "redis+cluster://host:0", "redis+cluster://a:1,,b:2"])(
    "refuses %s",
    (url) => {
      expect(() => parseRedisAddress(url)).toThrow(/expected/);
    },
  );

  it("a cluster URL's password is redacted and kept out of logs", () => {
    const url = "redis+cluster://app:hunter2/x@10.0.0.1:7000,10.0.0.2:7000";
    expect(redactRedisUrl(url)).toBe("redis+cluster://app:***@10.0.0.1:7000,10.0.0.2:7000");
    const config = loadBotConfig({
      BOT_TOKEN: "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678",
      OWNER_IDS: "1",
      REDIS_URL: url,
    });
    expect(configSecrets(config)).toContain("hunter2/x");
    expect(JSON.stringify(config)).not.toContain("hunter2");
    expect(redactRedisUrl("redis+sentinel://:pw@s1:26379/mymaster")).toBe(
      "redis+sentinel://:***@s1:26379/mymaster",
    );
  });

  it("on a cluster the prefix defaults to {callbot}; a hash-tagged QUEUE_PREFIX is kept; one server keeps callbot", () => {
    const worker = {
      TG_API_ID: "12345",
      TG_API_HASH: "0123456789abcdef0123456789abcdef",
      TG_SESSION: "1BQANOTAREALSESSIONbutLongEnough+/==",
    };
    expect(loadWorkerConfig({ ...worker, REDIS_URL: "redis+cluster://h:7000" }).queuePrefix).toBe(
      "{callbot}",
    );
    expect(
      loadWorkerConfig({ ...worker, REDIS_URL: "redis+cluster://h:7000", QUEUE_PREFIX: "{prod}" })
        .queuePrefix,
    ).toBe("{prod}");
    expect(loadWorkerConfig(worker).queuePrefix).toBe("callbot");
    expect(hashTagOf("{callbot}")).toBe("callbot");
    expect(hashTagOf("callbot")).toBeUndefined();
  });
});
