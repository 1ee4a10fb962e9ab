import type { TargetChat } from "@callbot/shared";
import type { Context } from "grammy";
import type { Authorise } from "../auth/authorise-requester.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { parseChatRef } from "../newcall/parse-chat-ref.ts";
import { resolveTargetChat } from "../targets/resolve-target-chat.ts";
import type { CallsViewDeps } from "./calls-view.ts";

export type ManagedChat =
  | { ok: true; chat: TargetChat; type: "group" | "supergroup" | "channel"; rest: string }
  | { ok: false; reply: string };

/**
 * The chat a /rename or /rotatekey is about, and whether the sender may manage its calls:
 * in a group, the group itself; in the private chat, the first word names it (@username,
 * t.me link or -100… id), as for /newcall. `ownerOnly`: the chat's owner (or an operator).
 */
export async function resolveManagedChat(
  ctx: Context,
  args: string,
  options: {
    ownerOnly: boolean;
    chatCacheSeconds: number;
    usage: string;
    /** A refusal of the sender's rights in the action's own words; undefined: the usual one. */
    refusal?: (reason: RefusalReason, chatTitle: string) => string | undefined;
  },
  deps: Pick<CallsViewDeps, "redis" | "keys" | "authorise">,
): Promise<ManagedChat> {
  const chat = ctx.chat;
  const from = ctx.from;
  if (!chat || !from || ctx.msg?.sender_chat !== undefined) {
    return {
      ok: false,
      reply: "I cannot tell who you are when you post as the chat. Send me the command in a private chat.",
    };
  }
  let target: TargetChat;
  let type: "group" | "supergroup" | "channel";
  let rest = args.trim();
  if (chat.type === "private") {
    const [first = "", ...words] = rest.split(/\s+/);
    const named = await resolveNamedChat(ctx, first, options, deps);
    if (!named.ok) return named;
    ({ chat: target, type } = named);
    rest = words.join(" ");
  } else if (chat.type === "channel") {
    return {
      ok: false,
      reply: "I cannot see who posts in a channel. Send me the command in a private chat.",
    };
  } else {
    type = chat.type;
    target = {
      chatId: chat.id,
      title: chat.title,
      ...(chat.username !== undefined && { username: chat.username }),
    };
  }
  const rights = await deps.authorise({ chatId: target.chatId, userId: from.id, rtmp: options.ownerOnly });
  if (!rights.ok) {
    const reply =
      options.refusal?.(rights.reason, target.title) ??
      (rights.reason === "livestream-needs-owner"
        ? `Only the owner of «${target.title}» can do this (a Telegram rule for livestream keys).`
        : describeRefusal(rights.reason, { chat: target.title, botUsername: ctx.me.username }));
    return { ok: false, reply };
  }
  return { ok: true, chat: target, type, rest };
}

export type RefusalReason = Extract<Awaited<ReturnType<Authorise>>, { ok: false }>["reason"];

/**
 * A group or channel named by one word (@username, t.me link or -100… id), as the bot sees it;
 * a word that names no chat gets `usage`. Rights are not checked here.
 */
export async function resolveNamedChat(
  ctx: Context,
  word: string,
  options: { chatCacheSeconds: number; usage: string },
  deps: Pick<CallsViewDeps, "redis" | "keys">,
): Promise<
  { ok: true; chat: TargetChat; type: "group" | "supergroup" | "channel" } | { ok: false; reply: string }
> {
  const ref = parseChatRef(word);
  if (!ref.ok || ref.ref.kind === "here") return { ok: false, reply: options.usage };
  const resolved = await resolveTargetChat(ref.ref, {
    api: ctx.api,
    redis: deps.redis,
    keys: deps.keys,
    botId: ctx.me.id,
    ttlSeconds: options.chatCacheSeconds,
  });
  if (!resolved.ok) {
    return {
      ok: false,
      reply: describeRefusal(resolved.reason, { chat: resolved.given, botUsername: ctx.me.username }),
    };
  }
  return {
    ok: true,
    chat: {
      chatId: resolved.chat.chatId,
      title: resolved.chat.title,
      ...(resolved.chat.username !== undefined && { username: resolved.chat.username }),
    },
    type: resolved.chat.type === "private" ? "group" : resolved.chat.type,
  };
}
