import { DeadlineError, type HostAndPort, withDeadline } from "@callbot/shared";
import type { TelegramClient } from "telegram";

/** How long the first connection (transport and session) may take before start-up gives up. */
export const CONNECT_TIMEOUT_MS = 20_000;

/**
 * Connects the client for the first time, or throws a sentence saying what to do. gramjs
 * reconnects for ever when the server keeps closing the connection, which is what a server does
 * with an auth key it does not know: so the first connection gets a deadline.
 */
export async function connectUserbot(
  client: TelegramClient,
  dc: HostAndPort | undefined,
  timeoutMs: number = CONNECT_TIMEOUT_MS,
): Promise<void> {
  const where = dc ? `${dc.host}:${dc.port}` : "Telegram";
  const connected = await withDeadline(client.connect(), timeoutMs, where).catch((error: unknown) => {
    const reason =
      error instanceof DeadlineError
        ? `no session was established within ${timeoutMs / 1000} s. If the network is fine, ` +
          "the server does not know this session (TG_SESSION / TG_SESSION_FILE): make a new one with `pnpm session`"
        : error instanceof Error
          ? error.message
          : String(error);
    throw new Error(`cannot connect to ${where}: ${reason}`);
  });
  if (connected === false) throw new Error(`cannot connect to ${where}: no answer after several tries`);
}
