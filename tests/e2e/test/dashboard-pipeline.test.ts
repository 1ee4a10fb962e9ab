import { QUEUE_NAMES } from "@callbot/shared";
import { DEMO } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_CONFIG, readDashboardApi } from "./support/dashboard-client.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** Issue 14: the queue dashboard shows the real pipeline's jobs, and never a secret. */
describe("queue dashboard while requests run through the whole pipeline", () => {
  let p: Pipeline;
  let port: number;

  beforeEach(async () => {
    p = await startPipeline({ dashboard: DASHBOARD_CONFIG });
    port = p.bot.dashboardPort ?? Number.NaN;
  });
  afterEach(async () => {
    await p.close();
  });

  it("after a livestream is created, no answer of its API holds the stream key or the bot token", async () => {
    await p.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    const { reply } = await p.ask(DEMO.olga, DEMO.studio, "/newcall Concert rtmp");
    await p.outcome(reply, /live now/);
    const privateKey = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /Stream key: /.test(m.text ?? ""));
    const key = /Stream key: (\S+)/.exec(privateKey.text ?? "")?.[1] ?? "";
    expect(key.length).toBeGreaterThan(8);

    const answers = await readDashboardApi(port);
    // The scan covers the request and its result: each job's own page was read.
    const jobPage = (queue: string) =>
      answers.find(
        (answer) => answer.path.startsWith(`/api/queues/${queue}/`) && answer.body.includes('"create-call"'),
      );
    expect(jobPage(QUEUE_NAMES.calls)?.body).toContain("Concert");
    expect(jobPage(QUEUE_NAMES.results)).toBeDefined();
    for (const answer of answers) {
      expect(answer.body, answer.path).not.toContain(key);
      expect(answer.body, answer.path).not.toContain(p.sandbox.info.botToken);
      expect(answer.body, answer.path).not.toContain(p.sandbox.info.botToken.split(":")[1]);
    }
  });
});
