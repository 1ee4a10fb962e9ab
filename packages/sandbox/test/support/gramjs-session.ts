import type { TelegramClient } from "telegram";
import { connectSandboxClient } from "./gramjs-client.ts";
import { type MtprotoTestSandbox, startMtprotoTestSandbox, TEST_API_ID } from "./gramjs-sandbox.ts";

/** Demo chats (native ids) the tests use; see the package README's demo table. */
export const DEMO = {
  community: 1500000001,
  channel: 1500000002,
  privateTeam: 1500000003,
  lockedRoom: 1500000004,
  noRightsClub: 1500000005,
  oldGroup: 400000001,
  userbotId: 2001,
  ownerId: 1001,
} as const;

/** A fresh world + MTProto server, and clients opened on it that `stop()` destroys. */
export interface GramjsTestbed extends MtprotoTestSandbox {
  connect(username?: string, opts?: { floodSleepThreshold?: number }): Promise<TelegramClient>;
  stop(): Promise<void>;
}

export async function startGramjsTestbed(): Promise<GramjsTestbed> {
  const sandbox = await startMtprotoTestSandbox();
  const clients: TelegramClient[] = [];
  return {
    ...sandbox,
    async connect(username = "callbot_assistant", opts = {}) {
      const session = sandbox.server.sessions[username];
      if (!session) throw new Error(`no session for ${username}`);
      const client = await connectSandboxClient({
        session,
        host: sandbox.server.host,
        port: sandbox.server.port,
        apiId: TEST_API_ID,
        ...opts,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.destroy().catch(() => undefined)));
      await sandbox.server.close();
    },
  };
}
