import { QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.ts";
import { DASHBOARD_CONFIG, DASHBOARD_PASSWORD, DASHBOARD_USER } from "./support/dashboard-client.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** Issue 14: the dashboard in a real headless Chromium, as an operator opens it. */
describe("queue dashboard in headless Chromium", () => {
  let browser: Browser;
  let p: Pipeline;
  let redis: Redis;
  let calls: Queue;
  let base: string;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    p = await startPipeline({ dashboard: DASHBOARD_CONFIG });
    base = `http://127.0.0.1:${p.bot.dashboardPort}`;
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix: p.prefix });
  });
  afterEach(async () => {
    await calls.close();
    await redis.quit();
    await p.close();
  });

  it("with credentials shows the failed job of a refused /newcall, with Telegram's reason", async () => {
    // The assistant lacks "Manage video chats" there: Telegram refuses, the job fails for good.
    const { reply } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Club night");
    await p.outcome(reply, /could not create/);
    await waitFor(async () => (await calls.getFailedCount()) === 1, "the create-call job failed in BullMQ");

    const context = await browser.newContext({
      httpCredentials: { username: DASHBOARD_USER, password: DASHBOARD_PASSWORD },
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${base}/queue/${QUEUE_NAMES.calls}?status=failed`);
      expect(response?.status()).toBe(200);
      // Rendered by the dashboard's own scripts from its API: the failure reason and the job's data.
      await page
        .getByText(/CHAT_ADMIN_REQUIRED/)
        .first()
        .waitFor({ timeout: 15_000 });
      await expect(page.title()).resolves.toContain("callbot queues");
      // The job's data is one tab away: the title the owner typed.
      await page.getByRole("tab", { name: "Data" }).first().click();
      await page
        .getByText(/Club night/)
        .first()
        .waitFor({ timeout: 5_000 });
    } finally {
      await context.close();
    }
  }, 120_000);

  it("without credentials, or with a wrong password, the browser gets 401 and nothing else", async () => {
    for (const httpCredentials of [
      undefined,
      { username: DASHBOARD_USER, password: "wrong-password-1234" },
    ]) {
      const context = await browser.newContext(httpCredentials ? { httpCredentials } : {});
      try {
        const page = await context.newPage();
        const answers: { url: string; status: number; challenge: string | undefined }[] = [];
        page.on("response", (response) =>
          answers.push({
            url: response.url(),
            status: response.status(),
            challenge: response.headers()["www-authenticate"],
          }),
        );
        // Chromium either shows the 401 page or, having no (right) credentials to answer the
        // challenge with, gives the navigation up: both are a refusal.
        await page.goto(`${base}/queue/${QUEUE_NAMES.calls}?status=failed`).catch((error: Error) => {
          if (!/ERR_INVALID_AUTH_CREDENTIALS/.test(error.message)) throw error;
        });
        expect(answers.length, JSON.stringify(answers)).toBeGreaterThan(0);
        for (const answer of answers) {
          expect(answer.status, answer.url).toBe(401);
          expect(answer.challenge).toMatch(/^Basic realm="callbot"/);
        }
        // Nothing of the dashboard was loaded: no script, no API call.
        expect(answers.every((answer) => answer.url.includes("/queue/"))).toBe(true);
      } finally {
        await context.close();
      }
    }
  }, 120_000);
});
