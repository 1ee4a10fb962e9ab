import type { Context } from "grammy";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import type { RequestLedger } from "./request-ledger.ts";

/**
 * Counts a /newcall that will not reach the ledger's `begin` (a refusal, the guided flow's start,
 * a recurring rule) against the user's limit. Over it, the first refusal of a burst says "slow
 * down" and the rest say nothing, so the answer itself cannot flood the chat.
 */
export async function admitted(ctx: Context, ledger: RequestLedger): Promise<boolean> {
  if (!ctx.from) return true;
  const verdict = await ledger.countNewCall(ctx.from.id);
  if (verdict === "tell") await tellNewCallRateLimited(ctx);
  return verdict === "pass";
}

/** The "slow down" answer to a /newcall over the user's limit. */
export function tellNewCallRateLimited(ctx: Context) {
  return replyToCommand(ctx, describeRefusal("rate-limited", { chat: "", botUsername: ctx.me.username }));
}
