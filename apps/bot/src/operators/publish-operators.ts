import { writeOperators } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";

export interface PublishOperatorsDeps {
  redis: Redis;
  prefix: string;
  /** OWNER_IDS, the bot's configuration and the only one. */
  ownerIds: readonly number[];
  clock: Clock;
  logger: Logger;
}

/**
 * Publishes the operators' list for the worker's rights re-check (see OperatorsRecordSchema):
 * once now, and again after every reconnect, in case Redis came back without its data. Returns
 * the function that stops the re-publishing.
 */
export async function publishOperators(deps: PublishOperatorsDeps): Promise<() => void> {
  const publish = () => writeOperators(deps.redis, deps.prefix, deps.ownerIds, deps.clock.now());
  await publish();
  const republish = () => {
    publish().catch((error: unknown) =>
      deps.logger.warn({ err: error }, "could not publish the operators' list for the worker"),
    );
  };
  deps.redis.on("ready", republish);
  return () => deps.redis.off("ready", republish);
}
