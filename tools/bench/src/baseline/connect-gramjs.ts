import { TelegramClient } from "telegram";
import { PromisedNetSockets } from "telegram/extensions/index.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";

export interface GramjsTarget {
  session: string;
  host: string;
  port: number;
  apiId: number;
  apiHash: string;
}

/**
 * A plain gramjs client pointed at the sandbox: gramjs dials the address stored in the session
 * (port 80) whatever it is told, so a socket class redirects it (as in the sandbox's tests).
 */
export async function connectGramjs(target: GramjsTarget): Promise<TelegramClient> {
  const { host, port } = target;
  class SandboxSocket extends PromisedNetSockets {
    override connect(_port: number, _ip: string): Promise<unknown> {
      return super.connect(port, host);
    }
  }
  const client = new TelegramClient(new StringSession(target.session), target.apiId, target.apiHash, {
    networkSocket: SandboxSocket,
    connectionRetries: 1,
    autoReconnect: false,
    baseLogger: new Logger(LogLevel.NONE),
  });
  if (!(await client.connect()))
    throw new Error(`gramjs could not connect to the sandbox at ${host}:${port}`);
  return client;
}
