import { seededToken } from "./deterministic-ids.ts";
import { TelegramRpcError } from "./types.ts";

/** A chat invite link (t.me/+<hash>) as a bot makes it with createChatInviteLink. */
export interface WorldInviteLink {
  hash: string;
  chatId: number;
  creatorId: number;
  /** Unix seconds; absent: never expires. */
  expireDate?: number;
  /** Absent: unlimited. */
  memberLimit?: number;
  joined: number;
  revoked: boolean;
}

/**
 * The world's invite links. Telegram's documented answers (messages.importChatInvite,
 * core.telegram.org): an unknown or revoked hash is INVITE_HASH_INVALID, one past its date or
 * its member limit is INVITE_HASH_EXPIRED.
 */
export class InviteLinks {
  private links = new Map<string, WorldInviteLink>();
  private counter = 0;

  constructor(private readonly seed: () => string) {}

  clear(): void {
    this.links.clear();
    this.counter = 0;
  }

  create(chatId: number, creatorId: number, options: { expireDate?: number; memberLimit?: number }) {
    this.counter += 1;
    const link: WorldInviteLink = {
      hash: seededToken(this.seed(), 16, "invite-link", chatId, this.counter),
      chatId,
      creatorId,
      ...(options.expireDate !== undefined && { expireDate: options.expireDate }),
      ...(options.memberLimit !== undefined && { memberLimit: options.memberLimit }),
      joined: 0,
      revoked: false,
    };
    this.links.set(link.hash, link);
    return link;
  }

  /** Every link ever made for a chat, oldest first (tests check what a bot did with them). */
  ofChat(chatId: number): WorldInviteLink[] {
    return [...this.links.values()].filter((link) => link.chatId === chatId);
  }

  byHash(hash: string): WorldInviteLink | undefined {
    return this.links.get(hash);
  }

  /** A link that may still be used right now, or Telegram's error. */
  usable(hash: string, nowSeconds: number): WorldInviteLink {
    const link = this.links.get(hash);
    if (!link || link.revoked) throw new TelegramRpcError(400, "INVITE_HASH_INVALID");
    const expired = link.expireDate !== undefined && link.expireDate <= nowSeconds;
    const full = link.memberLimit !== undefined && link.joined >= link.memberLimit;
    if (expired || full) throw new TelegramRpcError(400, "INVITE_HASH_EXPIRED");
    return link;
  }
}

/** "https://t.me/+<hash>": the form Telegram gives bots in ChatInviteLink.invite_link. */
export function inviteLinkUrl(hash: string): string {
  return `https://t.me/+${hash}`;
}

/** The hash of a t.me/+<hash> or t.me/joinchat/<hash> link; undefined when it is not one. */
export function hashOfInviteLink(url: string): string | undefined {
  return /^https:\/\/t\.me\/(?:\+|joinchat\/)([A-Za-z0-9_-]+)$/.exec(url)?.[1];
}
