import { Composer, type Context, type NextFunction } from "grammy";
import type { Logger } from "pino";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { handleNewCall, type NewCallHandlerDeps } from "../newcall/handle-new-call.ts";
import { isRedisUnavailable } from "../redis/is-redis-unavailable.ts";
import { admitted } from "../requests/admit-new-call.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface NewCallDeps extends NewCallHandlerDeps {
  logger: Logger;
  /** Opens the guided flow (features/guided-newcall.ts), for a bare /newcall in the private chat. */
  enterGuided(ctx: Context): Promise<void>;
}

/**
 * /newcall: with arguments, handleNewCall; alone in the private chat, the guided flow. The
 * per-user /newcall limit is counted by the request ledger: in the same round trip as the replay
 * claim for a request that gets that far, on its own for one refused or diverted before.
 */
export function createNewCallFeature(deps: NewCallDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command("newcall", answerWhenRedisIsDown(deps.logger), async (ctx) => {
    if (ctx.chat.type === "private" && ctx.match.trim() === "" && ctx.from) {
      if (await admitted(ctx, deps.ledger)) await deps.enterGuided(ctx);
      return;
    }
    await handleNewCall(ctx, deps);
  });
  return feature;
}

/** Any Redis failure before the job is added becomes "could not queue", at once. */
function answerWhenRedisIsDown(logger: Logger) {
  return async (ctx: Context, next: NextFunction) => {
    try {
      await next();
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      logger.warn({ err: error }, "/newcall refused: Redis is unavailable");
      await replyToCommand(
        ctx,
        describeRefusal("could-not-queue", { chat: "", botUsername: ctx.me.username }),
      );
    }
  };
}
