import { PrivateRedis, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist line 25: the worker's lock on the Telegram account vanishes from Redis (a restart
 * without its data, a failover, a deleted key). The worker takes it back before sending anything
 * more, or disconnects from Telegram and stops; the owners are told either way; and a second
 * worker on the same session never runs while the first is connected (Telegram would end both
 * with AUTH_KEY_DUPLICATED). A private redis-server, really restarted.
 */
let p: Pipeline;
let redis: PrivateRedis | undefined;
let admin: Redis | undefined;

/** A short lock lifetime (renewed every 500 ms) keeps the test quick; the rules are the same. */
const LOCK = { accountLockTtlMs: 1_500 };

// Registered before the pipeline's own afterEach, so it runs after it (hooks run as a stack):
// the pipeline closes while its Redis is still there.
afterEach(async () => {
  admin?.disconnect();
  admin = undefined;
  await redis?.stop();
  redis = undefined;
});
const { start } = pipelinePerTest();

async function deploy(worker: { accountLockTtlMs?: number } = LOCK): Promise<void> {
  redis = await PrivateRedis.start();
  admin = new Redis(redis.url);
  p = await start({ redisUrl: redis.url, worker });
}

async function lockKeys(): Promise<string[]> {
  return (await admin!.keys(`${p.prefix}:account-lock:*`)).filter((key) => !key.endsWith(":seen"));
}

function ownerAlert(matches: RegExp) {
  return p.sandbox.waitForBotMessage(WHO.oscar, (m) => matches.test(m.text ?? ""), { timeoutMs: 15_000 });
}

describe("25: the account lock is lost while the worker runs", () => {
  it("the key is deleted and a second worker starts meanwhile: the first disconnects and stops, the owners are told, the second takes over, never both connected", async () => {
    // The default lifetime (30 s, renewed every 10 s): the second worker starts well before the
    // first's next renewal, which then finds the lock taken. The second waits 15 s meanwhile.
    await deploy({});
    const first = p.worker!;
    expect(p.sandbox.mtprotoConnections(WHO.assistant)).toEqual({ open: 1, peak: 1 });
    const [key] = await lockKeys();
    await admin!.del(key!);

    // The second worker finds the lock free but the first's recent mark: it waits before connecting.
    const second = await p.startWorker();
    const reason = await first.stoppedByItself;
    expect(reason).toMatch(
      /Stopped using the Telegram account: the account lock .* was taken by another worker/,
    );
    expect(reason).toContain("start this one again only if none does");
    const alert = await ownerAlert(/lock on the assistant account disappeared/);
    expect(alert.text).toContain("Another worker holds it now");

    // Telegram never saw the session twice at once.
    expect(p.sandbox.mtprotoConnections(WHO.assistant)).toEqual({ open: 1, peak: 1 });
    expect(second.identity()?.userId).toBe(WHO.assistant);
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall After the handover");
    await p.outcome(reply, /live now/);
    expect(p.sandbox.calls(WHO.community)).toHaveLength(1);
  }, 90_000);

  it("Redis restarts without its data: the worker takes the lock back at once, the owners are told, and calls go on", async () => {
    await deploy();
    await redis!.restartEmpty();
    const alert = await ownerAlert(/lock on the assistant account disappeared/);
    expect(alert.text).toContain("took it back before sending anything more");
    expect(await lockKeys()).toHaveLength(1);

    // A second worker now meets the retaken lock and refuses before it connects.
    await expect(p.startWorker(LOCK)).rejects.toThrow(
      /Another worker is already using this Telegram account/,
    );
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall After the restart");
    await p.outcome(reply, /live now/);
    expect(p.sandbox.mtprotoConnections(WHO.assistant)).toEqual({ open: 1, peak: 1 });
  });

  it("Redis stays unreachable for longer than the lock's lifetime: the worker disconnects from Telegram and stops, saying why", async () => {
    await deploy();
    const first = p.worker!;
    await redis!.kill();
    const reason = await first.stoppedByItself;
    expect(reason).toMatch(/Redis has not confirmed the account lock .* for \d+ s/);
    expect(p.sandbox.mtprotoConnections(WHO.assistant).open).toBe(0);
    // Redis back, so that the pipeline closes cleanly; the stopped worker stays stopped.
    await redis!.restart();
    await waitFor(async () => ((await admin!.ping()) === "PONG" ? true : undefined), "Redis back");
    expect(p.sandbox.mtprotoConnections(WHO.assistant).open).toBe(0);
  });
});
