import type { TargetChat } from "@callbot/shared";
import { readTelegramFailure } from "../calls/read-telegram-failure.ts";
import type { ResolvedTarget, ResolveOptions } from "./resolve-target-peer.ts";

/**
 * Telegram's answers to an access hash it does not accept from this account: another account's
 * hash (they are account-bound), or one that went stale.
 */
const REFUSED_HASH = new Set(["CHANNEL_INVALID", "CHANNEL_PRIVATE"]);

/**
 * Resolves the target and runs `work` on it. When the access hash came from the cache and
 * Telegram refuses it, the entry is dropped and the target resolved afresh, once: a stale or
 * foreign hash costs one refused request, never a failed job. A hash Telegram just handed out is
 * not second-guessed: its refusal is the answer.
 */
export async function runOnTargetPeer<T>(
  resolveTarget: (target: TargetChat, options?: ResolveOptions) => Promise<ResolvedTarget>,
  target: TargetChat,
  work: (resolved: ResolvedTarget) => Promise<T>,
): Promise<T> {
  const resolved = await resolveTarget(target);
  try {
    return await work(resolved);
  } catch (error) {
    if (!resolved.forgetCached || !REFUSED_HASH.has(readTelegramFailure(error).errorName)) {
      await rememberIfNotIn(resolved, error);
      throw error;
    }
    await resolved.forgetCached();
    const fresh = await resolveTarget(target);
    try {
      return await work(fresh);
    } catch (freshError) {
      await rememberIfNotIn(fresh, freshError);
      throw freshError;
    }
  }
}

/** Telegram's answers that mean the account is not in the chat (or cannot see it). */
const NOT_IN_CHAT = new Set(["CHANNEL_PRIVATE", "CHAT_ID_INVALID"]);

/**
 * A refusal that says the account is not in the chat is remembered, so the next request costs
 * nothing. So is the refusal of a public chat Telegram just said the account is not a member of
 * (CHAT_ADMIN_REQUIRED there: no rights without membership), with the refusal the user saw.
 */
async function rememberIfNotIn(resolved: ResolvedTarget, error: unknown): Promise<void> {
  const { errorName } = readTelegramFailure(error);
  if (NOT_IN_CHAT.has(errorName) || (resolved.notAMember && errorName === "CHAT_ADMIN_REQUIRED"))
    await resolved.rememberNotIn(errorName);
}
