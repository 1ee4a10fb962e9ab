import type { Queue } from "bullmq";
import type { Api, InlineKeyboard } from "grammy";
import type { Redis } from "ioredis";
import type { Authorise } from "../auth/authorise-requester.ts";
import type { CalendarStore } from "../calendar/calendar-store.ts";
import type { PlannedCall } from "../calendar/planned-call.ts";
import { type CallsRegistry, MAX_CHATS } from "../calls-registry/calls-registry.ts";
import { trackQueuedRequest } from "../calls-registry/follow-call-events.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { chatsManagedBy } from "./chats-managed-by.ts";
import { readPendingRequests } from "./pending-requests.ts";
import { type ListedEntry, renderCallsList } from "./render-calls-list.ts";

/** What a /calls message lists: one chat's calls, or every chat the viewer manages (private chat). */
export type ViewScope =
  | { kind: "chat"; chatId: number; chatTitle: string }
  | { kind: "private"; userId: number };

/** How long a /calls message can still be redrawn after a button press; older ones get a new message. */
const VIEW_TTL_SECONDS = 2 * 24 * 3600;
/**
 * /calls messages per chat that can still be redrawn: a user sending /calls over and over must
 * not grow Redis with one 2-day key per message. Saving one more forgets the oldest; pressing a
 * button on a forgotten message still works, the message is only not redrawn.
 */
export const MAX_VIEWS_PER_CHAT = 10;
/*
 * Saves a view and forgets the chat's oldest beyond MAX_VIEWS_PER_CHAT, in one step, so the
 * chat's list and the view keys cannot disagree after a failure.
 * KEYS: the view, the chat's list. ARGV: the view's JSON, TTL seconds, how many to keep.
 */
const SAVE_VIEW = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('LREM', KEYS[2], 0, KEYS[1])
redis.call('LPUSH', KEYS[2], KEYS[1])
local keep = tonumber(ARGV[3])
for _, key in ipairs(redis.call('LRANGE', KEYS[2], keep, -1)) do redis.call('DEL', key) end
redis.call('LTRIM', KEYS[2], 0, keep - 1)
redis.call('EXPIRE', KEYS[2], ARGV[2])`;

export interface CallsViewDeps {
  api: Api;
  redis: Redis;
  keys: BotKeys;
  registry: CallsRegistry;
  callsQueue: Queue;
  ownerIds: readonly number[];
  /** Who may manage calls in a chat (createAuthoriser). */
  authorise: Authorise;
  /** How long a chat's administrator list is trusted for a private /calls. @defaultValue 600 */
  chatCacheSeconds?: number;
  /** The bot's calendar: its planned calls are listed after the calls. */
  calendar?: Pick<CalendarStore, "forChat" | "chats">;
}

/** The entries a scope shows: registry entries plus requests still waiting in the calls queue. */
export async function collectCalls(scope: ViewScope, deps: CallsViewDeps): Promise<ListedEntry[]> {
  if (scope.kind === "chat") {
    const pending = await readPendingRequests(deps.callsQueue, new Set([scope.chatId]));
    const running = await trackPending(pending, deps.registry);
    return (await deps.registry.forChat(scope.chatId)).map((entry) => ({
      entry,
      running: running.has(entry.id),
    }));
  }
  const pending = await readPendingRequests(deps.callsQueue, "all");
  // Every chat callbot serves, not only the most recently active (see chatsManagedBy for the cost).
  const candidates = new Set<number>([
    ...(await deps.registry.chats(MAX_CHATS)),
    ...pending.map((p) => p.request.target.chatId),
  ]);
  const managed = new Set<number>(
    await chatsManagedBy(scope.userId, [...candidates], {
      ...deps,
      chatCacheSeconds: deps.chatCacheSeconds ?? 600,
    }),
  );
  const running = await trackPending(
    pending.filter((p) => managed.has(p.request.target.chatId)),
    deps.registry,
  );
  const listed: ListedEntry[] = [];
  for (const chatId of managed) {
    for (const entry of await deps.registry.forChat(chatId))
      listed.push({ entry, running: running.has(entry.id) });
  }
  return listed;
}

/** Renders a scope for a viewer; `headline` reports the last button's outcome on top. */
export async function renderView(
  scope: ViewScope,
  viewer: { timeZone: string; now: number; headline?: string },
  deps: CallsViewDeps,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const [listed, planned] = await Promise.all([collectCalls(scope, deps), collectPlanned(scope, deps)]);
  return renderCallsList(listed, {
    planned,
    timeZone: viewer.timeZone,
    now: viewer.now,
    isPrivate: scope.kind === "private",
    ...(scope.kind === "chat" && { chatTitle: scope.chatTitle }),
    ...(viewer.headline !== undefined && { headline: viewer.headline }),
  });
}

/**
 * Remembers what a /calls message shows and for whom, so a result can redraw it; only the
 * chat's MAX_VIEWS_PER_CHAT latest are kept.
 */
export async function saveView(
  redis: Redis,
  registry: CallsRegistry,
  message: { chatId: number; messageId: number },
  view: { scope: ViewScope; viewerId: number },
): Promise<void> {
  await redis.eval(
    SAVE_VIEW,
    2,
    registry.keys.view(message.chatId, message.messageId),
    registry.keys.views(message.chatId),
    JSON.stringify(view),
    VIEW_TTL_SECONDS,
    MAX_VIEWS_PER_CHAT,
  );
}

export async function readView(
  redis: Redis,
  registry: CallsRegistry,
  message: { chatId: number; messageId: number },
): Promise<{ scope: ViewScope; viewerId: number } | undefined> {
  const key = registry.keys.view(message.chatId, message.messageId);
  // A corrupt view only means the message is not redrawn.
  return parseStoredJson<{ scope: ViewScope; viewerId: number }>(await redis.get(key), { key });
}

async function trackPending(
  pending: Awaited<ReturnType<typeof readPendingRequests>>,
  registry: CallsRegistry,
): Promise<Set<string>> {
  const running = new Set<string>();
  for (const { request, running: isRunning } of pending) {
    const entry = await trackQueuedRequest(registry, request);
    if (isRunning) running.add(entry.id);
  }
  return running;
}

/** The planned calls a scope shows: waiting ones, and those that could not be created (for a day). */
export async function collectPlanned(scope: ViewScope, deps: CallsViewDeps): Promise<PlannedCall[]> {
  const calendar = deps.calendar;
  if (!calendar) return [];
  const chatIds =
    scope.kind === "chat"
      ? [scope.chatId]
      : await chatsManagedBy(scope.userId, await calendar.chats(), {
          ...deps,
          chatCacheSeconds: deps.chatCacheSeconds ?? 600,
        });
  const plans = (await Promise.all(chatIds.map((chatId) => calendar.forChat(chatId)))).flat();
  return plans.filter((plan) => plan.state === "planned" || plan.state === "failed");
}
