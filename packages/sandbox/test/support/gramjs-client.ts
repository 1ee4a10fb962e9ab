import { TelegramClient } from "telegram";
import { PromisedNetSockets } from "telegram/extensions/index.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";

/**
 * gramjs dials port 80 whatever the session says (443 with WSS). This socket class dials the
 * sandbox's host:port instead; pass it as the client's `networkSocket`.
 */
export function sandboxSocketClass(host: string, port: number): typeof PromisedNetSockets {
  return class SandboxNetSocket extends PromisedNetSockets {
    override connect(_port: number, _ip: string): Promise<unknown> {
      return super.connect(port, host);
    }
  };
}

export interface SandboxClientOptions {
  session: string;
  host: string;
  port: number;
  apiId: number;
  apiHash?: string;
  /** gramjs sleeps through flood waits up to this many seconds; tests that expect FloodWaitError set 0. */
  floodSleepThreshold?: number;
}

/** A real gramjs TelegramClient, connected to the sandbox. Call `client.destroy()` when done. */
export async function connectSandboxClient(opts: SandboxClientOptions): Promise<TelegramClient> {
  const client = new TelegramClient(new StringSession(opts.session), opts.apiId, opts.apiHash ?? "sandbox", {
    networkSocket: sandboxSocketClass(opts.host, opts.port),
    connectionRetries: 1,
    requestRetries: 1,
    retryDelay: 50,
    autoReconnect: false,
    floodSleepThreshold: opts.floodSleepThreshold ?? 60,
    baseLogger: new Logger(LogLevel.NONE),
  });
  const connected = await client.connect();
  if (!connected) throw new Error(`gramjs could not connect to the sandbox at ${opts.host}:${opts.port}`);
  return client;
}
