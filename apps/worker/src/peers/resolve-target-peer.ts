import type { TargetChat } from "@callbot/shared";
import type { Logger } from "pino";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { CallJobError } from "../calls/call-job-error.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { type NativeChat, nativeChatFromBotApiId } from "./bot-api-chat-id.ts";
import type { CachedChannel, PeerCache } from "./peer-cache.ts";

/** The target as MTProto wants it. */
export interface ResolvedTarget {
  chat: NativeChat;
  peer: Api.TypeInputPeer;
  /** For channels and supergroups (channels.* methods take an InputChannel). */
  channel?: Api.InputChannel;
  /**
   * Set when the access hash came from the cache without asking Telegram: drops that entry, for
   * when Telegram refuses the hash (see runOnTargetPeer).
   */
  forgetCached?: () => Promise<void>;
  /** Remembers that the account is not in this chat, with Telegram's refusal (NOT_IN_CHAT_TTL_SECONDS). */
  rememberNotIn: (errorName: string) => Promise<void>;
  /** Drops that memory (the account just joined the chat). */
  forgetNotIn: () => Promise<void>;
  /**
   * Telegram just said the account is not a member (a public channel resolved by username with
   * its `left` flag): any refusal of work on it is remembered like CHANNEL_PRIVATE.
   */
  notAMember?: boolean;
}

export interface ResolveOptions {
  /** For joining: a remembered "not in this chat" is exactly what the join is meant to change. */
  ignoreRememberedNotIn?: boolean;
}

export interface TargetPeerResolverDeps {
  invoke: InvokeTelegram;
  cache: PeerCache;
  logger: Logger;
}

/** One page of dialogs: enough for an assistant account that sits in the chats it serves. */
const DIALOGS_PAGE = 100;

/**
 * Turns the bot's view of a chat (a Bot API id, maybe a username) into an MTProto peer with
 * as few Telegram requests as possible:
 * - a basic group needs no access hash: zero requests;
 * - a channel whose access hash this account cached (by id or username): zero requests;
 * - a public channel: contacts.resolveUsername, once;
 * - otherwise messages.getDialogs, once, caching every channel it lists so later targets are free.
 * A channel found nowhere is one the account is not in: without an access hash it cannot even
 * be addressed, so the job fails with CHANNEL_PRIVATE (what Telegram answers a non-member of a
 * private chat) without sending createGroupCall. Known gap: only the first page (100) of
 * dialogs is read.
 */
export function createTargetPeerResolver(
  deps: TargetPeerResolverDeps,
): (target: TargetChat, options?: ResolveOptions) => Promise<ResolvedTarget> {
  const { invoke, cache, logger } = deps;

  return async (target, options = {}) => {
    const chat = nativeChatFromBotApiId(target.chatId);
    const rememberNotIn = (errorName: string) => cache.rememberNotIn(target.chatId, errorName);
    const forgetNotIn = () => cache.forgetNotIn(target.chatId);
    // Checked before anything that costs a Telegram request; a channel's cached access hash is
    // read in the same round trip.
    const { notIn: knownNotIn, channel: cached } = await cache.lookUp(
      options.ignoreRememberedNotIn ? undefined : target.chatId,
      chat.kind === "channel" ? chat.id : undefined,
    );
    if (knownNotIn !== undefined) {
      throw new CallJobError(
        knownNotIn,
        "the assistant account is not in this chat (remembered from Telegram's refusal a few minutes ago)",
        "user",
      );
    }
    if (chat.kind === "chat") {
      const peer = new Api.InputPeerChat({ chatId: returnBigInt(chat.id) });
      return { chat, peer, rememberNotIn, forgetNotIn };
    }

    if (cached) {
      const forgetCached = () => cache.forget(chat.id, target.username);
      return { ...channelTarget(chat, cached), forgetCached, rememberNotIn, forgetNotIn };
    }
    const known =
      (target.username ? await viaUsername(target.username, chat.id) : undefined) ??
      (await viaDialogs(chat.id));
    if (!known) {
      logger.info({ channelId: chat.id }, "the assistant account is not in this chat");
      await rememberNotIn("CHANNEL_PRIVATE");
      throw new CallJobError(
        "CHANNEL_PRIVATE",
        "the assistant account is not a member of this chat (not among its dialogs, no public username)",
        "user",
      );
    }
    const notAMember = known.left === true;
    return {
      ...channelTarget(chat, known),
      rememberNotIn,
      forgetNotIn,
      ...(notAMember ? { notAMember } : {}),
    };
  };

  async function viaUsername(username: string, channelId: number): Promise<FoundChannel | undefined> {
    const cached = await cache.byUsername(username);
    if (cached?.channelId === String(channelId)) return cached;
    const resolved = await invoke(new Api.contacts.ResolveUsername({ username }));
    const channels = channelsIn(resolved.chats);
    // A channel the account is not in is not cached: the next lookup (after the not-in memory
    // expires) asks Telegram again, and so learns whether the account has joined since.
    await cache.remember(channels.filter((c) => !c.left));
    // A username can change hands: only trust it if it still names the chat the bot meant.
    return channels.find((c) => c.channelId === String(channelId));
  }

  async function viaDialogs(channelId: number): Promise<FoundChannel | undefined> {
    const dialogs = await invoke(
      new Api.messages.GetDialogs({
        offsetDate: 0,
        offsetId: 0,
        offsetPeer: new Api.InputPeerEmpty(),
        limit: DIALOGS_PAGE,
        hash: returnBigInt(0),
      }),
    );
    const channels = "chats" in dialogs ? channelsIn(dialogs.chats) : [];
    await cache.remember(channels);
    return channels.find((c) => c.channelId === String(channelId));
  }
}

type FoundChannel = CachedChannel & { username?: string; left?: boolean };

function channelTarget(
  chat: NativeChat,
  known: CachedChannel,
): Omit<ResolvedTarget, "rememberNotIn" | "forgetNotIn"> {
  const ids = { channelId: returnBigInt(known.channelId), accessHash: returnBigInt(known.accessHash) };
  return { chat, peer: new Api.InputPeerChannel(ids), channel: new Api.InputChannel(ids) };
}

/** Channels with a usable access hash ("min" copies carry one that only works in context). */
function channelsIn(chats: Api.TypeChat[]): FoundChannel[] {
  const found: FoundChannel[] = [];
  for (const chat of chats) {
    if (!(chat instanceof Api.Channel) || chat.min || chat.accessHash == null) continue;
    found.push({
      channelId: chat.id.toString(),
      accessHash: chat.accessHash.toString(),
      ...(chat.username ? { username: chat.username } : {}),
      ...(chat.left ? { left: true } : {}),
    });
  }
  return found;
}
