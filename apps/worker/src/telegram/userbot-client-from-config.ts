import type { WorkerConfig } from "@callbot/shared";
import type { Logger } from "pino";
import type { TelegramClient } from "telegram";
import { createUserbotClient } from "./create-userbot-client.ts";

/** The config fields that say which account to log in as and where Telegram is. */
export type UserbotClientConfig = Pick<
  WorkerConfig,
  "tgApiId" | "tgApiHash" | "tgSession" | "tgDc" | "tgDcPublicKey"
>;

/**
 * The userbot's gramjs client (not connected) as the config describes it: TG_SESSION, TG_API_ID,
 * TG_API_HASH, and TG_DC / TG_DC_PUBLIC_KEY when a server other than Telegram's is dialled. The
 * worker and `pnpm run doctor` build it here, so both log in exactly alike.
 */
export function userbotClientFromConfig(config: UserbotClientConfig, logger: Logger): TelegramClient {
  return createUserbotClient({
    session: config.tgSession,
    apiId: config.tgApiId,
    apiHash: config.tgApiHash,
    logger,
    ...(config.tgDc ? { dial: config.tgDc } : {}),
    ...(config.tgDcPublicKey ? { serverPublicKey: config.tgDcPublicKey } : {}),
  });
}
