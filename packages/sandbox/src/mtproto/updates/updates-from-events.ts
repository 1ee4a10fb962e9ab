import type { WorldChat, WorldGroupCall, WorldUser } from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import { writeSavedMessageUpdate } from "../rpc/saved-message-tl.ts";
import {
  callViewer,
  messageToTl,
  writeNewMessageUpdate,
  writeUpdateGroupCall,
  writeUpdates,
} from "../rpc/tl-mappers.ts";
import { TlWriter } from "../tl/tl-writer.ts";
import type { WorldEvent } from "./world-event-tap.ts";

/** The native chat an event happened in; undefined for the bot's private chats and Saved Messages. */
export function chatOfEvent(world: World, event: WorldEvent): WorldChat | undefined {
  if (event.kind === "groupCall") return world.getChat(event.call.chatId);
  if (event.kind === "savedMessage") return undefined;
  return world.chatByBotApiId(event.message.chatId);
}

/** Whether `accountId` hears of an event: a member of its chat, or the owner of the Saved Messages. */
export function isVisibleTo(world: World, event: WorldEvent, accountId: number): boolean {
  if (event.kind === "savedMessage") return event.accountId === accountId;
  const chat = chatOfEvent(world, event);
  return chat !== undefined && world.isMember(chat.id, accountId);
}

export interface SerializedUpdates {
  /** A boxed `updates#74ae4240`. */
  bytes: Buffer;
  updateCount: number;
  getBytes(): Buffer;
}

/**
 * One Updates object for a batch of world events as `viewerId` sees them, with every chat and
 * user the updates mention (clients need them to resolve peers without asking again).
 * `ensureCall` adds that call's updateGroupCall when the events carry none (a random_id retry
 * changes nothing, yet clients take the call from the answer's updateGroupCall).
 */
export function updatesFromEvents(
  world: World,
  events: WorldEvent[],
  viewerId: number,
  ensureCall?: WorldGroupCall,
): SerializedUpdates {
  const writers: ((w: TlWriter) => void)[] = [];
  const chats = new Map<number, WorldChat>();
  const userIds = new Set<number>([viewerId]);
  let hasEnsuredCall = false;
  for (const event of events) {
    if (event.kind === "savedMessage") {
      if (event.accountId === viewerId)
        writers.push((w) => writeSavedMessageUpdate(w, event.message, viewerId));
      continue;
    }
    const chat = chatOfEvent(world, event);
    if (!chat) continue;
    if (event.kind === "groupCall") {
      const call = event.call;
      if (call.id === ensureCall?.id) hasEnsuredCall = true;
      writers.push((w) => writeUpdateGroupCall(w, call, callViewer(world, call, viewerId)));
      chats.set(chat.id, chat);
      continue;
    }
    const message = messageToTl(world, event.message, viewerId);
    if (!message) continue;
    const pts = event.message.id;
    writers.push((w) => writeNewMessageUpdate(w, chat, message, pts));
    chats.set(chat.id, chat);
    if (event.message.fromUserId !== undefined) userIds.add(event.message.fromUserId);
  }
  if (ensureCall && !hasEnsuredCall) {
    writers.unshift((w) => writeUpdateGroupCall(w, ensureCall, callViewer(world, ensureCall, viewerId)));
    const chat = world.getChat(ensureCall.chatId);
    if (chat) chats.set(chat.id, chat);
  }
  const users = [...userIds].flatMap((id): WorldUser[] => {
    const user = world.getUser(id);
    return user ? [user] : [];
  });
  const writer = new TlWriter();
  writeUpdates(writer, world, writers, users, [...chats.values()], viewerId);
  const bytes = writer.finish();
  return { bytes, updateCount: writers.length, getBytes: () => bytes };
}
