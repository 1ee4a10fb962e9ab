import { demoWorldPath, readWorldFixture, type WorldFixture } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { BoundedEntityCache, EntitylessStringSession } from "../src/telegram/bounded-entity-memory.ts";
import { createUserbotClient } from "../src/telegram/create-userbot-client.ts";
import { harnessPerTest } from "./support/worker-harness.ts";

/** More chats than the cache may hold, so an unbounded cache would visibly outgrow the limit. */
const CHAT_COUNT = 30;
const ENTITY_LIMIT = 10;
const FIRST_CHAT = 1_600_000_000;

/** The demo world plus CHAT_COUNT private supergroups owned by Anna, the assistant an admin in each. */
function demoWithManyChats(): WorldFixture {
  const fixture = readWorldFixture(demoWorldPath);
  const extra = Array.from({ length: CHAT_COUNT }, (_, i) => ({
    id: FIRST_CHAT + i,
    type: "supergroup" as const,
    title: `Bound ${i}`,
    members: [
      { userId: DEMO.olga, role: "owner" as const },
      { userId: DEMO.assistant, role: "admin" as const, rights: { manageCall: true } },
    ],
  }));
  return { ...fixture, chats: [...fixture.chats, ...extra] };
}

describe("gramjs's entity memory stays bounded however many chats the assistant serves", () => {
  const h = harnessPerTest({ sandbox: { world: demoWithManyChats() }, worker: false });

  it(`holds at most ${ENTITY_LIMIT} peers and no session rows after calls in ${CHAT_COUNT} chats`, async () => {
    const { info } = h.sandbox;
    const client = createUserbotClient({
      session: info.sessions.callbot_assistant!,
      apiId: info.apiId,
      apiHash: info.apiHash,
      dial: info.mtproto,
      logger: h.logger,
      entityCacheLimit: ENTITY_LIMIT,
    });
    await h.startWorker({ client }).ready;

    const requests = Array.from({ length: CHAT_COUNT }, (_, i) =>
      h.request({ target: { chatId: -(1_000_000_000_000 + FIRST_CHAT + i), title: `Bound ${i}` } }),
    );
    for (const request of requests) await h.addJob(request);
    for (const request of requests)
      expect((await h.finalResult(request.requestId, 30_000)).outcome.status).toBe("created");

    const cache = client._entityCache;
    const session = client.session;
    expect(cache).toBeInstanceOf(BoundedEntityCache);
    expect(session).toBeInstanceOf(EntitylessStringSession);
    // Full, not merely small: gramjs did add every chat it was answered about, and the oldest went.
    expect((cache as BoundedEntityCache).size).toBe(ENTITY_LIMIT);
    expect((session as EntitylessStringSession).entityRows).toBe(0);
  }, 60_000);
});
