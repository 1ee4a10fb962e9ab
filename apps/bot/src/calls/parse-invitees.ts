import { type Invitee, MAX_INVITEES } from "@callbot/shared";
import type { Message } from "grammy/types";
import { parseChatRef } from "../newcall/parse-chat-ref.ts";
import { quoteTypedOr } from "../newcall/quote-typed.ts";

/**
 * Whom an /invite names: @usernames (or t.me/username links), and the author of the message it
 * replies to. A replied-to author is named by id and that message, which lets the assistant
 * address them without knowing them (inputUserFromMessage); only a message of the chat itself
 * counts. Bots and the same person twice are left out. `reply` undefined: nobody named (say how).
 */
export function parseInvitees(
  args: string,
  repliedTo: Message | undefined,
  chatId: number,
  botId: number,
): { ok: true; invitees: Invitee[] } | { ok: false; reply?: string } {
  const invitees: Invitee[] = [];
  const seen = new Set<string>();
  const add = (key: string, invitee: Invitee) => {
    if (seen.has(key)) return;
    seen.add(key);
    invitees.push(invitee);
  };
  const author = repliedTo?.from;
  if (author && !author.is_bot && author.id !== botId && repliedTo?.chat.id === chatId) {
    const name = [author.first_name, author.last_name].filter(Boolean).join(" ");
    add(`id:${author.id}`, {
      label: author.username ? `@${author.username}` : name || `user ${author.id}`,
      userId: author.id,
      seenIn: { chatId, messageId: repliedTo.message_id },
    });
    if (author.username) seen.add(`@${author.username.toLowerCase()}`);
  }
  for (const word of args.split(/\s+/).filter(Boolean)) {
    const ref = parseChatRef(word);
    if (!ref.ok || ref.ref.kind !== "username") {
      return {
        ok: false,
        reply: `${quoteTypedOr(word, "That")} is not a username. Name people as @username (or reply to their message with /invite).`,
      };
    }
    const username = ref.ref.username;
    add(`@${username.toLowerCase()}`, { label: `@${username}`, username });
  }
  if (invitees.length === 0) return { ok: false };
  if (invitees.length > MAX_INVITEES)
    return {
      ok: false,
      reply: `That is ${invitees.length} people; I invite at most ${MAX_INVITEES} at a time. Send the rest in another /invite.`,
    };
  return { ok: true, invitees };
}
