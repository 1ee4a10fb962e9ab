import { readAssistantRights, recordAssistantRights } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { CallsJobProcessor } from "../calls/route-calls-job.ts";
import { routingOfJob } from "./routing-of-job.ts";

/**
 * Telegram's refusals that say this account may not make calls in the chat: not an admin with
 * the right (CHAT_ADMIN_REQUIRED), not a member (CHANNEL_PRIVATE), not allowed at the call
 * (GROUPCALL_FORBIDDEN). A job failed for good by them carries the name first in its error.
 */
const RIGHTS_REFUSALS = ["CHAT_ADMIN_REQUIRED", "CHANNEL_PRIVATE", "GROUPCALL_FORBIDDEN"];

/**
 * Feeds routing's knowledge (assistant-rights.ts) from what Telegram told this account while it
 * ran a chat's job, beside what the bot learns with getChatMember: a refusal above records
 * "none" for the chat, so the next request goes to another account; a call it made records that
 * it may ("owner" for a livestream), unless that is known already (a known owner stays one).
 */
export function learnOwnRights(
  run: CallsJobProcessor,
  deps: { redis: Redis; prefix: string; accountId: number; now: () => number },
): CallsJobProcessor {
  const record = async (chatId: number, rights: "owner" | "admin" | "none") =>
    recordAssistantRights(
      deps.redis,
      deps.prefix,
      chatId,
      [{ accountId: deps.accountId, rights }],
      deps.now(),
    );
  return async (job, token) => {
    const routing = routingOfJob(job);
    try {
      const outcome = await run(job, token);
      if (
        routing &&
        job.name === "create-call" &&
        typeof outcome === "object" &&
        outcome !== null &&
        "callId" in outcome
      ) {
        const known = (await readAssistantRights(deps.redis, deps.prefix, routing.chatId, deps.now())).get(
          deps.accountId,
        );
        if (known === undefined || known === "none")
          await record(routing.chatId, routing.ownerOnly ? "owner" : "admin");
      }
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (routing && RIGHTS_REFUSALS.some((name) => message.startsWith(`${name}:`)))
        await record(routing.chatId, "none");
      throw error;
    }
  };
}
