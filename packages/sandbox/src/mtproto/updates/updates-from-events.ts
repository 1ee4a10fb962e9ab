import { Api } from "telegram";
import type { WorldChat } from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import { chatToTl, messageToTl, newMessageUpdateOf, updateGroupCallOf, userToTl } from "../rpc/tl-mappers.ts";
import type { WorldEvent } from "./world-event-tap.ts";

/** The native chat an event happened in; undefined for the bot's private chats. */
export function chatOfEvent(world: World, event: WorldEvent): WorldChat | undefined {
  return event.kind === "groupCall"
    ? world.getChat(event.call.chatId)
    : world.chatByBotApiId(event.message.chatId);
}

/**
 * One Updates object for a batch of world events as `viewerId` sees them, with every chat and
 * user the updates mention (clients need them to resolve peers without asking again).
 */
export function updatesFromEvents(world: World, events: WorldEvent[], viewerId: number): Api.Updates {
  const updates: Api.TypeUpdate[] = [];
  const chats = new Map<number, WorldChat>();
  const userIds = new Set<number>([viewerId]);
  for (const event of events) {
    const chat = chatOfEvent(world, event);
    if (!chat) continue;
    if (event.kind === "groupCall") {
      updates.push(updateGroupCallOf(event.call, viewerId));
      chats.set(chat.id, chat);
      continue;
    }
    const message = messageToTl(world, event.message, viewerId);
    if (!message) continue;
    updates.push(newMessageUpdateOf(chat, message, event.message.id));
    chats.set(chat.id, chat);
    if (event.message.fromUserId !== undefined) userIds.add(event.message.fromUserId);
  }
  return new Api.Updates({
    updates,
    users: [...userIds].flatMap((id) => {
      const user = world.getUser(id);
      return user ? [userToTl(user, viewerId)] : [];
    }),
    chats: [...chats.values()].map((chat) => chatToTl(world, chat, viewerId)),
    date: Math.floor(Date.now() / 1000),
    seq: 0,
  });
}
