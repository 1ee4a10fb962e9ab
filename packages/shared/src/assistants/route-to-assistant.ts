import type { Redis } from "ioredis";
import {
  type AssistantEntry,
  type AssistantRegistryView,
  onlineAssistants,
  readAssistantRegistry,
} from "./assistant-registry.ts";
import { readAssistantRights } from "./assistant-rights.ts";
import { type AssistantCandidate, chooseAssistant } from "./choose-assistant.ts";

/** The account that served a chat last: routing keeps a chat with it while it can (a week). */
export function chatAssistantKey(prefix: string, chatId: number): string {
  return `${prefix}:chat-assistant:${chatId}`;
}

const STICKY_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface RouteDeps {
  redis: Pick<Redis, "smembers" | "mget" | "hgetall" | "get">;
  prefix: string;
  /** Jobs waiting and running for one account (its queue's counts and its registration). */
  loadOf: (entry: AssistantEntry) => Promise<number>;
  now: number;
  /**
   * Below this many online accounts there is nothing to choose: { kind: "single" }. Failover
   * passes 1, since one survivor may take a dead account's work. @defaultValue 2
   */
  choiceFrom?: number;
  /** Where the registry is read: a process's RegistryMemory. @defaultValue a read from Redis */
  registry?: () => Promise<AssistantRegistryView>;
}

export type Route =
  /** Fewer accounts are online than `choiceFrom`: nothing to choose, the shared calls queue as always. */
  | { kind: "single" }
  | { kind: "account"; accountId: number; entry: AssistantEntry }
  /** Accounts are online but none may make this call in the chat: `online` names them for the message. */
  | { kind: "none-eligible"; online: AssistantEntry[]; unknown: number[] };

/**
 * Decides which online assistant account takes a request for `chatId` (see chooseAssistant),
 * from the registry, the rights learnt for the chat and each eligible account's work.
 */
export async function routeToAssistant(
  deps: RouteDeps,
  request: {
    chatId: number;
    rtmp: boolean;
    /** An account that must not take it (one whose session just died, or that must wait out a flood). */
    exclude?: number;
  },
): Promise<Route> {
  const view = await (deps.registry?.() ?? readAssistantRegistry(deps.redis, deps.prefix));
  const online = onlineAssistants(view).filter((entry) => entry.accountId !== request.exclude);
  if (online.length < (deps.choiceFrom ?? 2)) return { kind: "single" };
  const [rights, stickyRaw] = await Promise.all([
    readAssistantRights(deps.redis, deps.prefix, request.chatId, deps.now),
    deps.redis.get(chatAssistantKey(deps.prefix, request.chatId)),
  ]);
  const candidates: AssistantCandidate[] = await Promise.all(
    online.map(async (entry) => ({
      accountId: entry.accountId,
      rights: rights.get(entry.accountId),
      load: rights.has(entry.accountId) ? await deps.loadOf(entry) : 0,
      floodWaitUntil: entry.floodWaitUntil,
    })),
  );
  const chosen = chooseAssistant(candidates, {
    rtmp: request.rtmp,
    sticky: stickyRaw === null ? undefined : Number(stickyRaw),
    now: deps.now,
  });
  if (!chosen) {
    return {
      kind: "none-eligible",
      online,
      unknown: online.filter((e) => !rights.has(e.accountId)).map((e) => e.accountId),
    };
  }
  const entry = online.find((e) => e.accountId === chosen.accountId) as AssistantEntry;
  return { kind: "account", accountId: chosen.accountId, entry };
}

/** Remembers which account serves the chat now. */
export async function rememberChatAssistant(
  redis: Pick<Redis, "set">,
  prefix: string,
  chatId: number,
  accountId: number,
): Promise<void> {
  await redis.set(chatAssistantKey(prefix, chatId), String(accountId), "EX", STICKY_TTL_SECONDS);
}
