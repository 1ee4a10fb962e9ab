import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { BotKeys } from "../redis/bot-keys.ts";
import { cachedJson } from "../redis/cached-json.ts";
import { isBotNotAdmin, isBotNotInChat, isChatNotFound, isUserNotFound } from "../telegram/bot-api-errors.ts";

/** What the bot remembers of a getChatMember answer (only what the decision needs). */
interface MemberFacts {
  status: "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";
  canManageVideoChats: boolean;
}

export type AuthorisationResult =
  | { ok: true; as: "operator" | "owner" | "admin" }
  | {
      ok: false;
      reason:
        | "not-admin"
        | "admin-without-video-chat-right"
        | "livestream-needs-owner"
        /** getChatMember failed because the bot is not in the chat. */
        | "bot-not-in-chat"
        /** getChatMember refused because the bot is not an admin there (it may not see others' rights). */
        | "bot-needs-admin";
    };

export interface AuthoriseDeps {
  api: Api;
  redis: Redis;
  keys: BotKeys;
  /** OWNER_IDS: the operators, allowed everywhere. */
  ownerIds: readonly number[];
  /** How long a member's status is trusted; short, so a revoked right stops working soon. */
  ttlSeconds: number;
  /**
   * Ask Telegram now instead of trusting the cache (the answer still refreshes it). For button
   * presses on /calls: the list may be hours old, and a right revoked since must count at once.
   */
  fresh?: boolean;
}

/** The rights check with its dependencies bound: built once (createBot) and passed to every feature. */
export type Authorise = (
  request: { chatId: number; userId: number; rtmp: boolean },
  options?: Pick<AuthoriseDeps, "fresh">,
) => Promise<AuthorisationResult>;

export function createAuthoriser(deps: Omit<AuthoriseDeps, "fresh">): Authorise {
  return (request, options) => authoriseRequester(request, { ...deps, ...options });
}

/**
 * Decides whether a user may create a call in a chat, before anything is queued:
 * - an operator (OWNER_IDS) may do anything;
 * - the chat's owner (status "creator") may create calls and livestreams;
 * - an administrator with can_manage_video_chats may create calls, not livestreams
 *   (Telegram lets only the owner create an RTMP stream, core.telegram.org phone.createGroupCall).
 * The worker checks again when the job runs, in case rights change in between.
 */
export async function authoriseRequester(
  request: { chatId: number; userId: number; rtmp: boolean },
  deps: AuthoriseDeps,
): Promise<AuthorisationResult> {
  if (deps.ownerIds.includes(request.userId)) return { ok: true, as: "operator" };

  let botNotInChat = false;
  let botNotAdmin = false;
  const memberKey = deps.keys.member(request.chatId, request.userId);
  if (deps.fresh) await deps.redis.del(memberKey);
  const facts = await cachedJson<MemberFacts>(deps.redis, memberKey, deps.ttlSeconds, async () => {
    try {
      const member = await deps.api.getChatMember(request.chatId, request.userId);
      return {
        status: member.status,
        canManageVideoChats: member.status === "administrator" && member.can_manage_video_chats,
      };
    } catch (error) {
      if (isUserNotFound(error)) return { status: "left", canManageVideoChats: false };
      if (isBotNotAdmin(error)) {
        botNotAdmin = true;
        return undefined;
      }
      if (isBotNotInChat(error) || isChatNotFound(error)) {
        botNotInChat = true;
        return undefined;
      }
      throw error;
    }
  });
  if (botNotAdmin) return { ok: false, reason: "bot-needs-admin" };
  if (botNotInChat || !facts) return { ok: false, reason: "bot-not-in-chat" };

  if (facts.status === "creator") return { ok: true, as: "owner" };
  if (facts.status === "administrator" && facts.canManageVideoChats) {
    return request.rtmp ? { ok: false, reason: "livestream-needs-owner" } : { ok: true, as: "admin" };
  }
  if (facts.status === "administrator") return { ok: false, reason: "admin-without-video-chat-right" };
  return { ok: false, reason: "not-admin" };
}
