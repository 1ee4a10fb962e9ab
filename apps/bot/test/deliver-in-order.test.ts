import { randomUUID } from "node:crypto";
import { REDIS_URL } from "@callbot/test-support";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { botKeys } from "../src/redis/bot-keys.ts";
import { deliverInOrder } from "../src/results/deliver-in-order.ts";

/** Checklist 29 at the level of one request's deliveries, on a real Redis. */
const redis = new Redis(REDIS_URL);
const prefix = `test-order-${randomUUID()}`;
const deps = { redis, keys: botKeys(prefix), logger: pino({ level: "silent" }) };

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function request() {
  return { requestId: `newcall_${randomUUID()}`, requestedAt: 1_800_000_000_000 };
}

describe("results of one request are shown in order", () => {
  it("a wait notice handled after the final report is not shown", async () => {
    const req = request();
    const shown: string[] = [];
    await deliverInOrder(
      { request: req, finishedAt: 2_000, final: true },
      async () => void shown.push("final"),
      deps,
    );
    const late = await deliverInOrder(
      { request: req, finishedAt: 1_000, final: false },
      async () => void shown.push("wait"),
      deps,
    );
    expect(late).toBe("superseded");
    expect(shown).toEqual(["final"]);
  });

  it("an older wait notice handled after a newer one is not shown", async () => {
    const req = request();
    const shown: number[] = [];
    await deliverInOrder(
      { request: req, finishedAt: 2_000, final: false },
      async () => void shown.push(2),
      deps,
    );
    await deliverInOrder(
      { request: req, finishedAt: 1_000, final: false },
      async () => void shown.push(1),
      deps,
    );
    expect(shown).toEqual([2]);
  });

  it("the final report waits for a wait notice already on its way, so it lands last", async () => {
    const req = request();
    const shown: string[] = [];
    let landNotice: () => void = () => undefined;
    let noticeStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      noticeStarted = resolve;
    });
    const notice = deliverInOrder(
      { request: req, finishedAt: 1_000, final: false },
      () =>
        new Promise<void>((resolve) => {
          noticeStarted();
          landNotice = () => {
            shown.push("wait");
            resolve();
          };
        }),
      deps,
    );
    await started; // the notice's edit is in flight (a slow Bot API)
    const final = deliverInOrder(
      { request: req, finishedAt: 2_000, final: true },
      async () => void shown.push("final"),
      deps,
    );
    // The final report has started (it marked itself final) and has had round trips to spare,
    // yet it cannot overtake the notice: nothing is shown until the notice lands.
    const orderKey = deps.keys.resultOrder(req.requestId, req.requestedAt);
    while ((await redis.hget(orderKey, "final")) !== "1") await redis.ping();
    for (let i = 0; i < 5; i++) await redis.ping();
    expect(shown).toEqual([]);
    landNotice();
    await Promise.all([notice, final]);
    expect(shown).toEqual(["wait", "final"]);
  });

  it("a delivery that fails releases the request for the next one (a retry is not blocked)", async () => {
    const req = request();
    await expect(
      deliverInOrder(
        { request: req, finishedAt: 1_000, final: true },
        () => Promise.reject(new Error("429")),
        deps,
      ),
    ).rejects.toThrow("429");
    const retried = await deliverInOrder(
      { request: req, finishedAt: 1_000, final: true },
      async () => undefined,
      deps,
    );
    expect(retried).toBe("delivered");
  });
});
