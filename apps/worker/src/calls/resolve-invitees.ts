import type { Invitee } from "@callbot/shared";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

/** Telegram's answers to a username that names nobody (or nobody who is a user). */
const NO_SUCH_USERNAME = new Set(["USERNAME_NOT_OCCUPIED", "USERNAME_INVALID"]);

export interface ResolvedInvitee {
  label: string;
  /** Undefined: no user has that username. */
  user?: Api.InputUser | Api.InputUserFromMessage;
}

/**
 * The invitees as MTProto users, in the order asked. A username costs one
 * contacts.resolveUsername (a second mention of it none); a user the bot saw write in the chat
 * is addressed through that message (inputUserFromMessage), which needs no request at all and
 * no access hash of the assistant's own. Other refusals (a flood wait) are thrown for the
 * usual error handling.
 */
export async function resolveInvitees(
  invoke: InvokeTelegram,
  invitees: readonly Invitee[],
  chat: ResolvedTarget,
): Promise<ResolvedInvitee[]> {
  const byUsername = new Map<string, Api.InputUser | undefined>();
  const resolved: ResolvedInvitee[] = [];
  for (const invitee of invitees) {
    if (invitee.userId !== undefined && invitee.seenIn !== undefined) {
      resolved.push({
        label: invitee.label,
        user: new Api.InputUserFromMessage({
          peer: chat.peer,
          msgId: invitee.seenIn.messageId,
          userId: returnBigInt(invitee.userId),
        }),
      });
      continue;
    }
    const username = (invitee.username ?? "").toLowerCase();
    if (!byUsername.has(username)) byUsername.set(username, await resolveUser(invoke, username));
    const user = byUsername.get(username);
    resolved.push({ label: invitee.label, ...(user && { user }) });
  }
  return resolved;
}

async function resolveUser(invoke: InvokeTelegram, username: string): Promise<Api.InputUser | undefined> {
  try {
    const found = await invoke(new Api.contacts.ResolveUsername({ username }));
    if (!(found.peer instanceof Api.PeerUser)) return undefined;
    const userId = found.peer.userId.toString();
    const user = found.users.find(
      (candidate): candidate is Api.User =>
        candidate instanceof Api.User && candidate.id.toString() === userId,
    );
    if (!user?.accessHash) return undefined;
    return new Api.InputUser({ userId: user.id, accessHash: user.accessHash });
  } catch (error) {
    if (NO_SUCH_USERNAME.has(readTelegramFailure(error).errorName)) return undefined;
    throw error;
  }
}
