import { type RunningBot, startBot } from "@callbot/bot";
import { configSecrets, loadBotConfig } from "@callbot/shared";
import { REDIS_URL, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { callRequest } from "./support/call-request.ts";
import { productEnv } from "./support/deployment.ts";
import { WHO } from "./support/faults-world.ts";
import { capturedLogger, type Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist line 39: a corrupt record in Redis (a pending request, a registry entry, a rule) is
 * logged and skipped; start-up never crash-loops on it. The records are planted while the bot is
 * stopped, as a hand edit, a half-written value or an older version's format would leave them.
 */
const { capture, start } = pipelinePerTest();
let p: Pipeline;

const COMMUNITY = { chatId: WHO.community, title: "Demo Community", username: "demo_community" };

describe("39: a corrupt record in Redis is logged and skipped", () => {
  it("start-up re-queues the good pending request beside corrupt ones; /calls and /stoprecurring skip a corrupt entry and rule", async () => {
    p = await start({ worker: false });
    const pipeline = p;
    await pipeline.bot.stop();
    const redis = pipeline.queues.connection;
    const bot = `${pipeline.prefix}:bot`;
    const good = callRequest(COMMUNITY);
    const at = Date.now();
    await redis
      .multi()
      // Requests written ahead (the request ledger): one not JSON, one JSON of the wrong shape, one good.
      .zadd(`${bot}:pending`, at, "newcall_bad_json", at, "newcall_bad_shape", at, good.requestId)
      .hset(
        `${bot}:request:newcall_bad_json`,
        "state",
        "pending:gone",
        "request",
        '{"v":1,"kind":"create-call",',
      )
      .hset(`${bot}:request:newcall_bad_shape`, "state", "pending:gone", "request", JSON.stringify({ v: 99 }))
      .hset(`${bot}:request:${good.requestId}`, "state", "pending:gone", "request", JSON.stringify(good))
      // A registry entry in the community's list that is not JSON.
      .zadd(`${bot}:calls:chat:${WHO.community}`, at, "zz")
      .zadd(`${bot}:calls:chats`, at, String(WHO.community))
      .set(`${bot}:calls:entry:zz`, "{broken", "EX", 3600)
      // A recurring rule that is not JSON, indexed under the community.
      .sadd(`${bot}:recurring:chat:${WHO.community}`, "recurring_broken")
      .sadd(`${bot}:recurring:chats`, String(WHO.community))
      .set(`${bot}:recurring:rule:recurring_broken`, "not json at all")
      .exec();

    const env = productEnv(pipeline.sandbox.info, {
      redisUrl: REDIS_URL,
      prefix: pipeline.prefix,
      ownerIds: [WHO.oscar],
    });
    const config = loadBotConfig(env.bot);
    let restarted: RunningBot | undefined;
    try {
      restarted = await startBot({
        config,
        logger: capturedLogger(capture, "bot", configSecrets(config)),
        prefix: pipeline.prefix,
        stopStepTimeoutMs: 2_000,
      });
      // The good request was queued; the corrupt ones were logged and dropped.
      const jobs = await pipeline.queues.callJobs();
      expect(jobs.map((job) => job.id)).toEqual([good.requestId]);
      expect(await redis.zrange(`${bot}:pending`, "0", "-1")).toEqual([]);
      const corrupt = capture.linesOf("bot").filter((line) => /skipped a corrupt record/.test(line));
      expect(corrupt.some((line) => line.includes("request:newcall_bad_json"))).toBe(true);
      expect(corrupt.some((line) => line.includes("request:newcall_bad_shape"))).toBe(true);

      const calls = await pipeline.ask(WHO.olga, WHO.community, "/calls");
      expect(calls.reply.text).toContain("Calls in «Demo Community»");
      const rules = await pipeline.ask(WHO.olga, WHO.community, "/stoprecurring");
      expect(rules.reply.text).toContain("There are no recurring calls here that you may stop.");
      await waitFor(() => {
        const lines = capture.linesOf("bot").filter((line) => /skipped a corrupt record/.test(line));
        return lines.some((l) => l.includes("calls:entry:zz")) &&
          lines.some((l) => l.includes("recurring:rule:recurring_broken"))
          ? true
          : undefined;
      }, "the corrupt entry and rule logged");
      expect(
        capture.linesOf("bot").filter((line) => /something went wrong|unhandled bot error/.test(line)),
      ).toEqual([]);
    } finally {
      await restarted?.stop();
    }
  });
});
