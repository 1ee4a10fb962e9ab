import { randomUUID } from "node:crypto";
import { QUEUE_NAMES } from "@callbot/shared";
import { REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningDashboard, startDashboard } from "../src/dashboard/start-dashboard.ts";

const USER = "ops";
const PASSWORD = "dashboard-test-password";
const STREAM_KEY = "1234567:AbCdEfGhIjKlMnOpQrSt";
const INVITE_HASH = "https://t.me/club?videochat=Zx9YwVuTsRq";

/**
 * The dashboard on real queues in a real Redis, with a result that still carries its secrets (as
 * one does while it waits for the bot): what an operator's browser would be sent.
 */
describe("queue dashboard (bull-board): credentials, read-only, no delivered secrets", () => {
  let redis: Redis;
  let calls: Queue;
  let results: Queue;
  let dashboard: RunningDashboard;
  const prefix = `dashboard-${randomUUID()}`;
  const url = (path: string) => `http://127.0.0.1:${dashboard.port}${path}`;
  const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` };

  beforeEach(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix });
    results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix });
    await results.add(
      "create-call",
      {
        v: 1,
        kind: "create-call",
        requestId: "req-1",
        title: "Concert",
        outcome: {
          status: "created",
          rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: STREAM_KEY },
          inviteLink: INVITE_HASH,
        },
      },
      { jobId: "result-1" },
    );
    dashboard = await startDashboard({
      config: { listen: { host: "127.0.0.1", port: 0 }, credentials: { user: USER, password: PASSWORD } },
      queues: { calls, results },
      logger: pino({ level: "silent" }),
    });
  });
  afterEach(async () => {
    await dashboard.close();
    await calls.obliterate({ force: true });
    await results.obliterate({ force: true });
    await calls.close();
    await results.close();
    await redis.quit();
  });

  it("answers 401 without credentials or with a wrong password, on the page and the API alike", async () => {
    for (const path of ["/", "/api/queues", `/api/queues/${QUEUE_NAMES.results}/result-1`]) {
      const anonymous = await fetch(url(path));
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm="callbot"/);
      const wrong = await fetch(url(path), {
        headers: { authorization: `Basic ${Buffer.from(`${USER}:not-the-password`).toString("base64")}` },
      });
      expect(wrong.status, path).toBe(401);
    }
  });

  it("shows the job, without its RTMP key or invite link", async () => {
    const page = await fetch(url("/"), { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("callbot queues");

    const list = await fetch(url(`/api/queues?activeQueue=${QUEUE_NAMES.results}&status=waiting&page=1`), {
      headers: auth,
    });
    const listed = await list.text();
    expect(list.status).toBe(200);
    expect(listed).toContain("Concert");
    const one = await fetch(url(`/api/queues/${QUEUE_NAMES.results}/result-1`), { headers: auth });
    const shown = await one.text();
    expect(one.status).toBe(200);
    expect(shown).toContain("Concert");
    for (const body of [listed, shown]) {
      expect(body).not.toContain(STREAM_KEY);
      expect(body).not.toContain(INVITE_HASH);
      expect(body).not.toContain("rtmpCredentials");
    }
    // The secrets are still in Redis (the result waits for the bot): only the dashboard leaves them out.
    expect(JSON.stringify((await results.getJob("result-1"))?.data)).toContain(STREAM_KEY);
  });

  it("is read-only: retrying, removing or adding jobs is refused", async () => {
    const attempts = [
      ["PUT", `/api/queues/${QUEUE_NAMES.results}/result-1/retry`],
      ["PUT", `/api/queues/${QUEUE_NAMES.results}/result-1/clean`],
      ["POST", `/api/queues/${QUEUE_NAMES.calls}/add`],
      ["PUT", `/api/queues/${QUEUE_NAMES.calls}/empty`],
    ] as const;
    for (const [method, path] of attempts) {
      const response = await fetch(url(path), {
        method,
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "create-call", data: {} }),
      });
      expect(response.status, `${method} ${path}`).toBe(405);
    }
    expect(await results.getJob("result-1")).toBeDefined();
    expect(await calls.count()).toBe(0);
  });
});
