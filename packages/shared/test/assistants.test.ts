import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  ASSISTANT_RIGHTS_TTL_MS,
  type AssistantCandidate,
  type AssistantEntry,
  accountCallsQueueName,
  assistantEntryKey,
  chooseAssistant,
  readAssistantRegistry,
  readAssistantRights,
  recordAssistantRights,
  rememberAssistantRegistry,
  rememberChatAssistant,
  routeToAssistant,
  WORKER_STATUS_TTL_MS,
  writeAssistantEntry,
} from "../src/index.ts";

const NOW = 1_800_000_000_000;
const candidate = (accountId: number, more: Partial<AssistantCandidate> = {}): AssistantCandidate => ({
  accountId,
  rights: "admin",
  load: 0,
  ...more,
});

describe("chooseAssistant", () => {
  const cases: Array<
    [string, AssistantCandidate[], { rtmp?: boolean; sticky?: number }, number | undefined]
  > = [
    [
      "nobody eligible",
      [candidate(1, { rights: "none" }), candidate(2, { rights: undefined })],
      {},
      undefined,
    ],
    ["the only admin", [candidate(1, { rights: "none" }), candidate(2)], {}, 2],
    [
      "the least work",
      [candidate(1, { load: 3 }), candidate(2, { load: 1 }), candidate(3, { load: 2 })],
      {},
      2,
    ],
    ["ties go to the lowest id", [candidate(3), candidate(2)], {}, 2],
    ["sticky wins over less work", [candidate(1, { load: 9 }), candidate(2)], { sticky: 1 }, 1],
    [
      "a sticky account no longer eligible is left",
      [candidate(1, { rights: "none" }), candidate(2)],
      { sticky: 1 },
      2,
    ],
    [
      "a livestream needs the owner",
      [candidate(1), candidate(2, { rights: "owner", load: 5 })],
      { rtmp: true },
      2,
    ],
    ["a livestream with no owner online", [candidate(1), candidate(2)], { rtmp: true }, undefined],
    [
      "one in a flood is passed over, even when sticky",
      [candidate(1, { floodWaitUntil: NOW + 60_000 }), candidate(2, { load: 4 })],
      { sticky: 1 },
      2,
    ],
    [
      "all in a flood: the sticky one holds the work",
      [candidate(1, { floodWaitUntil: NOW + 9_000 }), candidate(2, { floodWaitUntil: NOW + 60_000 })],
      { sticky: 2 },
      2,
    ],
    [
      "all in a flood, none sticky: the wait that ends first",
      [candidate(1, { floodWaitUntil: NOW + 90_000 }), candidate(2, { floodWaitUntil: NOW + 60_000 })],
      {},
      2,
    ],
  ];
  it.each(cases)("%s", (_name, candidates, request, expected) => {
    expect(
      chooseAssistant(candidates, { rtmp: request.rtmp ?? false, sticky: request.sticky, now: NOW })
        ?.accountId,
    ).toBe(expected);
  });

  it("names each account's queue without ':' (BullMQ refuses it)", () => {
    expect(accountCallsQueueName(2002)).toBe("callbot-calls-2002");
    expect(() => accountCallsQueueName(0)).toThrow(RangeError);
  });
});

describe("the assistant registry and rights in Redis", () => {
  const redis = new Redis("redis://127.0.0.1:6379");
  const prefix = `test-assistants-${randomUUID()}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  /** The registry's Redis, counting its reads (each begins with one SMEMBERS). */
  const countingReads = () => {
    let reads = 0;
    const counted: Pick<Redis, "smembers" | "mget"> = {
      smembers: ((key: string) => {
        reads += 1;
        return redis.smembers(key);
      }) as Redis["smembers"],
      mget: redis.mget.bind(redis),
    };
    return { counted, reads: () => reads };
  };
  const entry = (accountId: number, more: Partial<AssistantEntry> = {}): AssistantEntry => ({
    v: 1,
    accountId,
    username: `assistant_${accountId}`,
    state: "online",
    running: 0,
    updatedAt: NOW,
    ...more,
  });

  it("lists registered accounts; an online one lapses with its heartbeat, a dead session stays", async () => {
    await writeAssistantEntry(redis, prefix, entry(2001));
    await writeAssistantEntry(
      redis,
      prefix,
      entry(2002, { state: "session-dead", errorName: "AUTH_KEY_UNREGISTERED" }),
    );
    await writeAssistantEntry(redis, prefix, entry(2003));
    const ttl = await redis.pttl(assistantEntryKey(prefix, 2001));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WORKER_STATUS_TTL_MS);
    expect(await redis.pttl(assistantEntryKey(prefix, 2002))).toBe(-1);
    await redis.del(assistantEntryKey(prefix, 2003)); // what a crashed worker's lapse looks like
    const view = await readAssistantRegistry(redis, prefix);
    expect(view.entries.map((e) => [e.accountId, e.state])).toEqual([
      [2001, "online"],
      [2002, "session-dead"],
    ]);
    expect(view.lapsed).toEqual([2003]);
  });

  it("forgets a rights fact after its lifetime", async () => {
    await recordAssistantRights(redis, prefix, -1001, [{ accountId: 2001, rights: "admin" }], NOW);
    await recordAssistantRights(
      redis,
      prefix,
      -1001,
      [{ accountId: 2002, rights: "none" }],
      NOW - ASSISTANT_RIGHTS_TTL_MS,
    );
    expect([...(await readAssistantRights(redis, prefix, -1001, NOW))]).toEqual([[2001, "admin"]]);
  });

  it("routes among online accounts by rights, sticky first, and says when none may", async () => {
    const routePrefix = `${prefix}-route`;
    const deps = {
      redis,
      prefix: routePrefix,
      now: NOW,
      loadOf: async (e: AssistantEntry) => (e.accountId === 2001 ? 5 : 1),
    };
    await writeAssistantEntry(redis, routePrefix, entry(2001));
    expect(await routeToAssistant(deps, { chatId: -1002, rtmp: false })).toEqual({ kind: "single" });
    await writeAssistantEntry(redis, routePrefix, entry(2002));
    const none = await routeToAssistant(deps, { chatId: -1002, rtmp: false });
    expect(none).toMatchObject({ kind: "none-eligible", unknown: [2001, 2002] });
    await recordAssistantRights(
      redis,
      routePrefix,
      -1002,
      [
        { accountId: 2001, rights: "owner" },
        { accountId: 2002, rights: "admin" },
      ],
      NOW,
    );
    expect(await routeToAssistant(deps, { chatId: -1002, rtmp: false })).toMatchObject({ accountId: 2002 });
    expect(await routeToAssistant(deps, { chatId: -1002, rtmp: true })).toMatchObject({ accountId: 2001 });
    await rememberChatAssistant(redis, routePrefix, -1002, 2001);
    expect(await routeToAssistant(deps, { chatId: -1002, rtmp: false })).toMatchObject({ accountId: 2001 });
  });

  it("a remembered registry is read from Redis once per memory, again once forgotten or old", async () => {
    const memoryPrefix = `${prefix}-memory`;
    let clock = NOW;
    const { counted, reads } = countingReads();
    const memory = rememberAssistantRegistry({
      redis: counted,
      prefix: memoryPrefix,
      now: () => clock,
      memoryMs: 5_000,
    });
    const ids = async () => (await memory.read()).entries.map((e) => e.accountId);
    await writeAssistantEntry(redis, memoryPrefix, entry(2001));
    // Concurrent reads with nothing remembered share one read.
    expect(await Promise.all([ids(), ids()])).toEqual([[2001], [2001]]);
    await writeAssistantEntry(redis, memoryPrefix, entry(2002));
    clock += 4_999;
    expect(await ids()).toEqual([2001]);
    expect(reads()).toBe(1);
    clock += 1;
    expect(await ids()).toEqual([2001, 2002]);
    await redis.del(assistantEntryKey(memoryPrefix, 2002));
    expect(await ids()).toEqual([2001, 2002]);
    memory.forget();
    expect(await ids()).toEqual([2001]);
    await writeAssistantEntry(redis, memoryPrefix, entry(2003));
    expect((await memory.readNow()).entries.map((e) => e.accountId)).toEqual([2001, 2003]);
    expect(await ids()).toEqual([2001, 2003]);
    expect(reads()).toBe(4);
  });

  it("for routing, a remembered read serves only while it shows one account online", async () => {
    const choicePrefix = `${prefix}-choice`;
    const { counted, reads } = countingReads();
    const memory = rememberAssistantRegistry({ redis: counted, prefix: choicePrefix, now: () => NOW });
    const online = async () => (await memory.readForChoice()).entries.map((e) => e.accountId);
    await writeAssistantEntry(redis, choicePrefix, entry(2001));
    expect([await online(), await online(), await online()]).toEqual([[2001], [2001], [2001]]);
    expect(reads()).toBe(1);
    await writeAssistantEntry(redis, choicePrefix, entry(2002));
    memory.forget();
    expect(await online()).toEqual([2001, 2002]);
    // A choice among two: every read sees the present, so an account that stopped is not chosen.
    await writeAssistantEntry(redis, choicePrefix, entry(2002, { state: "stopped" }));
    expect((await memory.readForChoice()).entries.map((e) => [e.accountId, e.state])).toEqual([
      [2001, "online"],
      [2002, "stopped"],
    ]);
    expect(reads()).toBe(4);
  });

  it("routing reads the registry where it is told to", async () => {
    const view = { entries: [entry(2001), entry(2002)], lapsed: [] };
    const elsewhere = `${prefix}-nowhere`;
    await recordAssistantRights(redis, elsewhere, -1003, [{ accountId: 2002, rights: "admin" }], NOW);
    const route = await routeToAssistant(
      { redis, prefix: elsewhere, now: NOW, loadOf: async () => 0, registry: async () => view },
      { chatId: -1003, rtmp: false },
    );
    expect(route).toMatchObject({ kind: "account", accountId: 2002 });
  });
});
