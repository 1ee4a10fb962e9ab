import type { UserbotIdentity } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Api } from "telegram";
import { failureCategory, readTelegramFailure } from "../calls/read-telegram-failure.ts";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";
import type { WorkerStatusPublisher } from "../status/worker-status-publisher.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { publishUserbotIdentity } from "./publish-userbot-identity.ts";

export interface IdentifyAssistantDeps {
  invoke: InvokeTelegram;
  redis: Redis;
  prefix: string;
  status: WorkerStatusPublisher;
  publisher: ResultsPublisher;
  /** This worker run, so that its session-dead alert is sent once. */
  runId: string;
  now: () => number;
  /** Told the account's own user once Telegram answered (the client remembers it). */
  onSelf?: (me: Api.User) => void;
}

/**
 * The start-up login: who the session belongs to, published for the bot. A session Telegram
 * refuses (revoked, logged out) is published as dead and alerted to the owners (through the
 * bot), and start-up fails with what to do; other errors fail start-up as they are.
 */
export async function identifyAssistant(deps: IdentifyAssistantDeps): Promise<UserbotIdentity> {
  try {
    return await publishUserbotIdentity(deps.invoke, deps.redis, deps.prefix, deps.now, deps.onSelf);
  } catch (error) {
    const facts = readTelegramFailure(error);
    if (failureCategory(facts) !== "session") throw error;
    await deps.status.sessionDead(facts.errorName);
    await deps.publisher.publish(
      { v: 1, kind: "worker-alert", alert: "session-dead", errorName: facts.errorName, at: deps.now() },
      resultJobIds.sessionDead(deps.runId),
    );
    throw new Error(
      `The Telegram session is dead (${facts.errorName}); the owners were alerted. ` +
        "Log the assistant account in again, set TG_SESSION (or TG_SESSION_FILE) and start the worker again.",
    );
  }
}
