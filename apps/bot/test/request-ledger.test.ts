import { randomUUID } from "node:crypto";
import {
  addCallsJob,
  type CallsJobData,
  type CreateCallRequest,
  CreateCallRequestSchema,
  QUEUE_NAMES,
  workerStatusKey,
  writeWorkerStatus,
} from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_BOT_LIMITS } from "../src/bot-limits.ts";
import { submitCallRequest } from "../src/newcall/submit-call-request.ts";
import { botKeys } from "../src/redis/bot-keys.ts";
import { RequestLedger } from "../src/requests/request-ledger.ts";

/**
 * Every transition of the request ledger (src/requests/request-ledger.ts, its table), on a real
 * Redis with a real BullMQ calls queue: a job there is what "queued" means to a take-over.
 */
const prefix = `test-${randomUUID()}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const callsQueue = new Queue<CallsJobData>(QUEUE_NAMES.calls, { connection: redis, prefix });
/** The create-call request queued under `jobId`, if any. */
const queuedRequest = async (jobId: string) => {
  const data = (await callsQueue.getJob(jobId))?.data;
  return data?.kind === "create-call" ? data : undefined;
};
const keys = botKeys(prefix);
const logger = pino({ level: "silent" });
afterAll(async () => {
  await callsQueue.obliterate({ force: true });
  await callsQueue.close();
  const left = await redis.keys(`${prefix}:*`);
  if (left.length > 0) await redis.del(...left);
  await redis.quit();
});

const ledgerOf = (instanceId: string, rateLimit = { limit: 5, windowMs: 60_000 }, ownKeys = keys) =>
  new RequestLedger({
    redis,
    keys: ownKeys,
    prefix,
    callsQueue,
    instanceId,
    ttlSeconds: 600,
    cooldownSeconds: 10,
    rateLimit,
  });

let nextChat = -1_002_000_000_000;
/** A request in a chat of its own, so no cooldown carries over between tests. */
function requestIn(chatId = nextChat--, messageId = 7): CreateCallRequest {
  return CreateCallRequestSchema.parse({
    v: 1,
    kind: "create-call",
    requestId: `newcall_${chatId}_${messageId}`,
    requester: { userId: DEMO.olga, chatId, messageId },
    target: { chatId, title: "A chat" },
    title: "Ledger",
    rtmp: false,
    timeZone: "UTC",
    requestedAt: Date.now(),
  });
}
const stateOf = (request: CreateCallRequest) => redis.hget(keys.request(request.requestId), "state");
const writtenAhead = (request: CreateCallRequest) => redis.hget(keys.request(request.requestId), "request");
const indexed = async (request: CreateCallRequest) =>
  (await redis.zscore(keys.pendingIndex, request.requestId)) !== null;

describe("the request ledger (real Redis)", () => {
  it("claim: the first delivery handles it, writes it ahead with a TTL, and takes the chat's cooldown", async () => {
    const request = requestIn();
    expect(await ledgerOf("a").begin(request)).toEqual({ kind: "mine" });
    expect(await stateOf(request)).toBe("pending:a");
    expect(JSON.parse((await writtenAhead(request))!)).toEqual(request);
    expect(await indexed(request)).toBe(true);
    expect(await redis.ttl(keys.request(request.requestId))).toBeGreaterThan(500);
    expect(await redis.get(keys.cooldown(request.target.chatId))).toBe(request.requestId);
    // The same process's second delivery (a webhook retry) is a replay.
    expect(await ledgerOf("a").begin(request)).toEqual({ kind: "replayed" });
  });

  it("queued: once the job exists every delivery, from any process, is a replay; the chat becomes known", async () => {
    const request = requestIn();
    const a = ledgerOf("a");
    await a.begin(request);
    const acked = { ...request, ack: { chatId: request.target.chatId, messageId: 8 } };
    await a.acknowledge(acked);
    expect(JSON.parse((await writtenAhead(request))!).ack).toEqual(acked.ack);
    expect(await a.finishQueued(acked, 1_234)).toBe(false);
    expect(await stateOf(request)).toBe("queued");
    expect(await writtenAhead(request)).toBeNull();
    expect(await indexed(request)).toBe(false);
    expect(await redis.zscore(keys.knownChats, String(request.target.chatId))).toBe("1234");
    expect(JSON.parse((await redis.hget(keys.knownChatFacts, String(request.target.chatId)))!)).toEqual({
      chatId: request.target.chatId,
      title: "A chat",
    });
    expect(await ledgerOf("b").begin(request)).toEqual({ kind: "replayed" });
  });

  it("take-over: a process that died after its answer but before the job; the next process takes it over, once", async () => {
    const request = requestIn();
    expect(await ledgerOf("dead").begin(request)).toEqual({ kind: "mine" });
    // Its own cooldown is no reason to refuse the take-over.
    expect(await ledgerOf("restarted").begin(request)).toEqual({ kind: "mine" });
    expect(await stateOf(request)).toBe("pending:restarted");
    expect(await ledgerOf("restarted").begin(request)).toEqual({ kind: "replayed" });
    // Only one bot polls a token at a time: a third process means the second is gone too.
    expect(await ledgerOf("third").begin(request)).toEqual({ kind: "mine" });
  });

  it("take-over races: of many deliveries of the update to the new process at once, exactly one handles it", async () => {
    const request = requestIn();
    await ledgerOf("dead").begin(request);
    const restarted = ledgerOf("restarted");
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => restarted.begin(request)));
    expect(verdicts.filter((v) => v.kind === "mine")).toHaveLength(1);
    expect(verdicts.filter((v) => v.kind === "replayed")).toHaveLength(7);
  });

  it("a process that died after adding the job: the job is found, nothing is taken over", async () => {
    const request = requestIn();
    await ledgerOf("dead").begin(request);
    await addCallsJob(callsQueue, "create-call", request);
    expect(await ledgerOf("restarted").begin(request)).toEqual({ kind: "replayed" });
    expect(await stateOf(request)).toBe("queued");
    expect(await indexed(request)).toBe(false);
  });

  it("cooldown: another request for the chat is refused until the first is settled without a job", async () => {
    const first = requestIn();
    const chatId = first.target.chatId;
    const second = requestIn(chatId, 8);
    await ledgerOf("a").begin(first);
    expect(await ledgerOf("a").begin(second)).toEqual({ kind: "cooldown" });
    expect(await writtenAhead(second)).toBeNull();
    expect(await indexed(second)).toBe(false);
    await ledgerOf("a").finishNotQueued(first);
    expect(await indexed(first)).toBe(false);
    const third = requestIn(chatId, 9);
    expect(await ledgerOf("a").begin(third)).toEqual({ kind: "mine" });
  });

  it("rate limit: over the user's limit a request is refused, told once per burst, and leaves no claim", async () => {
    const ledger = ledgerOf("a", { limit: 2, windowMs: 60_000 });
    const userId = 777_000 + Math.floor(Math.random() * 1000);
    const asUser = (request: CreateCallRequest) => ledger.begin(request, userId);
    expect(await asUser(requestIn())).toEqual({ kind: "mine" });
    expect(await asUser(requestIn())).toEqual({ kind: "mine" });
    const third = requestIn();
    expect(await asUser(third)).toEqual({ kind: "rate-limited", tell: true });
    expect(await asUser(requestIn())).toEqual({ kind: "rate-limited", tell: false });
    expect(await stateOf(third)).toBeNull();
    expect(await redis.get(keys.cooldown(third.target.chatId))).toBeNull();
    // A refusal before the ledger counts in the same window.
    expect(await ledger.countNewCall(userId)).toBe("silent");
    // Without a user to count (a guided flow's confirm), the limit does not apply.
    expect(await ledger.begin(requestIn())).toEqual({ kind: "mine" });
  });

  it("rate limit: a counter left without expiry is repaired on its next hit", async () => {
    const userId = 888_000 + Math.floor(Math.random() * 1000);
    await redis.set(keys.newCallRateLimit(userId), "8");
    expect(await ledgerOf("a", { limit: 5, windowMs: 1_000 }).begin(requestIn(), userId)).toEqual({
      kind: "rate-limited",
      tell: false,
    });
    const ttl = await redis.pttl(keys.newCallRateLimit(userId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    expect(await ledgerOf("a").countNewCall(userId + 1)).toBe("pass");
  });

  it("assistant offline: refused before anything is written ahead; once answered, a replay", async () => {
    const own = `${prefix}:offline`;
    const offline = new RequestLedger({ ...ledgerOptions("a"), prefix: own });
    await writeWorkerStatus(redis, own, { v: 1, state: "session-dead", updatedAt: Date.now() });
    try {
      const request = requestIn();
      expect(await offline.begin(request)).toEqual({ kind: "assistant-offline" });
      expect(await writtenAhead(request)).toBeNull();
      expect(await redis.get(keys.cooldown(request.target.chatId))).toBeNull();
      await offline.answered(request.requestId);
      expect(await stateOf(request)).toBe("answered");
      expect(await ledgerOf("b").begin(request)).toEqual({ kind: "replayed" });
      // The session died between the check and the add: finishing says so.
      const late = requestIn();
      await ledgerOf("a").begin(late);
      expect(await offline.finishQueued(late, Date.now())).toBe(true);
    } finally {
      await redis.del(workerStatusKey(own));
    }
  });

  it("release: an answer that could not be sent leaves nothing, so a redelivery starts afresh", async () => {
    const request = requestIn();
    await ledgerOf("a").begin(request);
    await ledgerOf("a").release(request);
    expect(await stateOf(request)).toBeNull();
    expect(await indexed(request)).toBe(false);
    expect(await redis.get(keys.cooldown(request.target.chatId))).toBeNull();
    expect(await ledgerOf("a").begin(request)).toEqual({ kind: "mine" });
  });

  it("replay after restart: a request written ahead and answered, but never added, is queued by the next start, once", async () => {
    // Keys of its own: the other tests leave requests written ahead under the shared ones.
    const own = botKeys(`${prefix}:recover`);
    const dead = ledgerOf("dead", undefined, own);
    const request = requestIn();
    await dead.begin(request);
    const acked = { ...request, ack: { chatId: request.target.chatId, messageId: 99 } };
    await dead.acknowledge(acked);
    // One written ahead whose job was added after all is not queued twice.
    const added = requestIn();
    await dead.begin(added);
    await addCallsJob(callsQueue, "create-call", added);

    const next = ledgerOf("next", undefined, own);
    const stateOf = (r: CreateCallRequest) => redis.hget(own.request(r.requestId), "state");
    const indexed = async (r: CreateCallRequest) =>
      (await redis.zscore(own.pendingIndex, r.requestId)) !== null;
    expect(await next.recover({ callsQueue, logger, queueTimeoutMs: 1_500 })).toBe(1);
    expect((await queuedRequest(request.requestId))?.ack).toEqual(acked.ack);
    for (const settled of [request, added]) {
      expect(await stateOf(settled)).toBe("queued");
      expect(await indexed(settled)).toBe(false);
    }
    expect(await next.recover({ callsQueue, logger, queueTimeoutMs: 1_500 })).toBe(0);
    expect(await next.begin(request)).toEqual({ kind: "replayed" });
  });

  it("rolling upgrade: a request written ahead by a release before the ledger is queued by the next start", async () => {
    const own = botKeys(`${prefix}:legacy`);
    const request = requestIn();
    // What the previous release left: the request as a JSON string, in the same index.
    await redis
      .multi()
      .set(own.legacyPendingRequest(request.requestId), JSON.stringify(request), "EX", 3600)
      .zadd(own.pendingIndex, request.requestedAt, request.requestId)
      .exec();
    expect(
      await ledgerOf("next", undefined, own).recover({ callsQueue, logger, queueTimeoutMs: 1_500 }),
    ).toBe(1);
    expect(await queuedRequest(request.requestId)).toMatchObject({ requestId: request.requestId });
    expect(await redis.exists(own.legacyPendingRequest(request.requestId))).toBe(0);
    expect(await redis.zcard(own.pendingIndex)).toBe(0);
  });
});

function ledgerOptions(instanceId: string) {
  return {
    redis,
    keys,
    prefix,
    callsQueue,
    instanceId,
    ttlSeconds: 600,
    cooldownSeconds: 10,
    rateLimit: { limit: 5, windowMs: 60_000 },
  };
}

/** The write-ahead seen from submitCallRequest: what Redis holds at the moment the user reads "queued". */
describe("the write-ahead record of a /newcall", () => {
  const draft = (chatId: number, messageId: number) => ({
    requestId: `newcall_${chatId}_${messageId}`,
    requester: { userId: DEMO.olga, chatId, messageId },
    target: { chatId, title: "A chat" },
    title: "Write-ahead",
    scheduleDate: undefined,
    rtmp: false,
    autostart: false,
    timeZone: "UTC",
    now: Date.now(),
  });
  const deps = {
    ledger: ledgerOf("test-instance"),
    callsQueue,
    limits: DEFAULT_BOT_LIMITS,
    logger,
    botUsername: "callbot_bot",
  };

  it("exists when the user is told 'queued', and is gone once the job is added", async () => {
    const request = draft(DEMO.community, 501);
    let recordWhenShown: string | null = "not shown";
    const outcome = await submitCallRequest(
      request,
      {
        show: async () => {
          recordWhenShown = await redis.hget(keys.request(request.requestId), "request");
          return { chatId: DEMO.community, messageId: 502 };
        },
        edit: async () => undefined,
      },
      deps,
    );
    expect(outcome).toBe("queued");
    expect(recordWhenShown).not.toBeNull();
    expect(JSON.parse(recordWhenShown as unknown as string)).toMatchObject({ requestId: request.requestId });
    expect(await redis.hget(keys.request(request.requestId), "request")).toBeNull();
    expect((await queuedRequest(request.requestId))?.ack).toEqual({
      chatId: DEMO.community,
      messageId: 502,
    });
  });

  it("a process that died while answering leaves a record the next start queues (reported by a new message)", async () => {
    const request = draft(DEMO.privateTeam, 601);
    const died = new Error("process died while answering");
    let snapshot: Record<string, string> = {};
    await expect(
      submitCallRequest(
        request,
        {
          show: async () => {
            // What Redis holds at that moment is what the next start sees.
            snapshot = await redis.hgetall(keys.request(request.requestId));
            throw died;
          },
          edit: async () => undefined,
        },
        deps,
      ),
    ).rejects.toBe(died);
    expect(snapshot.request).toBeDefined();
    // Replant it as the dead process left it, alone in an index, and start again.
    const own = botKeys(`${prefix}:died`);
    await redis
      .multi()
      .hset(own.request(request.requestId), snapshot)
      .expire(own.request(request.requestId), 3600)
      .zadd(own.pendingIndex, Date.now(), request.requestId)
      .exec();
    expect(
      await ledgerOf("next", undefined, own).recover({ callsQueue, logger, queueTimeoutMs: 1_500 }),
    ).toBe(1);
    const queued = await queuedRequest(request.requestId);
    expect(queued).toMatchObject({ requestId: request.requestId, title: "Write-ahead" });
    expect(queued?.ack).toBeUndefined();
  });
});
