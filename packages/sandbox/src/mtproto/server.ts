import { createServer, type Server, type Socket } from "node:net";
import type { RequestCounters } from "../counters/request-counters.ts";
import type { FaultInjector } from "../faults/fault-injector.ts";
import type { World } from "../world/world.ts";
import { AccountConnections } from "./account-connections.ts";
import { ClientConnection } from "./connection.ts";
import { type DataCentre, HOME_DC_ID, SECOND_DC_ID } from "./data-centres.ts";
import { serverRsaKey } from "./handshake/server-rsa-key.ts";
import { LoginDesk } from "./login/login-desk.ts";
import { type DispatchDeps, dispatchRequest } from "./rpc/dispatch.ts";
import { handleIncomingMessage } from "./rpc/incoming-messages.ts";
import { AuthKeyRegistry } from "./session/auth-key-registry.ts";
import { issueSessions } from "./session/issue-sessions.ts";
import { startUpdatePush } from "./updates/push.ts";
import { WorldEventTap } from "./updates/world-event-tap.ts";

export interface MtprotoServerOptions {
  world: World;
  faults: FaultInjector;
  counters: RequestCounters;
  host: string;
  /** Data centre 2, where sessions are issued and logins start; 0 picks a free port. */
  port: number;
  /** Data centre 4, where accounts with `dc: 4` live; default a free port. */
  secondDcPort?: number;
  /** The api_id clients must announce in initConnection. */
  apiId: number;
  /** Told about exceptions in the sandbox's own method code; the client gets rpc_error 500. */
  onInternalError?: (method: string, error: unknown) => void;
}

export interface MtprotoServer {
  /** Data centre 2's address (where issued sessions and logins start). */
  host: string;
  port: number;
  /** Every data centre: 2, and 4 on its own port (help.getConfig lists both). */
  dataCentres: readonly DataCentre[];
  /** PKCS#1 PEM of the RSA key clients need for the key exchange (TG_DC_PUBLIC_KEY). */
  publicKey: string;
  /** Userbot username -> gramjs StringSession (stable for the same world seed). */
  sessions: Record<string, string>;
  /** Login codes and rules; the control API reads the codes from here. */
  logins: LoginDesk;
  /** Each account's open connections and their peak (two at once = one session used twice). */
  connections: AccountConnections;
  /** Ends every session of an account on every data centre (see AuthKeyRegistry.logOut); how many ended. */
  revokeSessions(userId: number): number;
  close(): Promise<void>;
}

/**
 * The sandbox's MTProto server: two data centres on two TCP ports (full, intermediate and
 * abridged transports), the auth-key exchange, MTProto 2.0, logins, and layer-198 TL via
 * gramjs's own classes. Issued sessions skip the key exchange and the login.
 */
export async function startMtprotoServer(opts: MtprotoServerOptions): Promise<MtprotoServer> {
  const { world } = opts;
  const connections = new Set<ClientConnection>();
  const sockets = new Set<Socket>();
  const tap = new WorldEventTap(world);
  const sessions: Record<string, string> = {};
  const accountConnections = new AccountConnections();
  const rsaKey = serverRsaKey();
  const logins = new LoginDesk(world);
  const dataCentres: DataCentre[] = [];
  const servers: Server[] = [];
  const registries: AuthKeyRegistry[] = [];

  const listen = async (id: number, port: number) => {
    const registry = new AuthKeyRegistry();
    registries.push(registry);
    const dc: DataCentre = { id, host: opts.host, port };
    const dispatchDeps: DispatchDeps = {
      world,
      faults: opts.faults,
      counters: opts.counters,
      tap,
      apiId: opts.apiId,
      dc,
      dataCentres,
      logins,
      ...(opts.onInternalError && { onInternalError: opts.onInternalError }),
    };
    const handlers = {
      registry,
      rsaKey,
      onMessage: (connection: ClientConnection, msgId: bigint, body: Buffer) => {
        if (connection.accountId !== undefined) accountConnections.seen(connection, connection.accountId);
        handleIncomingMessage(
          connection,
          msgId,
          body,
          (conn, reqMsgId, requestBody) => {
            dispatchRequest(dispatchDeps, conn, reqMsgId, requestBody).catch(() => conn.close());
          },
          connection.serverSalt,
        );
      },
      onClose: (connection: ClientConnection) => {
        connections.delete(connection);
        accountConnections.closed(connection);
      },
    };
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      connections.add(new ClientConnection(socket, handlers));
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound === null || typeof bound === "string") throw new Error("MTProto server has no TCP address");
    dc.port = bound.port;
    dataCentres.push(dc);
    return { dc, registry };
  };
  let home: Awaited<ReturnType<typeof listen>>;
  try {
    home = await listen(HOME_DC_ID, opts.port);
    await listen(SECOND_DC_ID, opts.secondDcPort ?? 0);
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  const address = home.dc;
  const registry = home.registry;

  // Sessions follow the world: loading another fixture issues keys for its userbots, in the
  // same object the caller holds.
  const reissue = () => {
    // Another world has other accounts: keys made by key exchange and logins are dropped too.
    for (const known of registries) known.clear();
    for (const key of Object.keys(sessions)) delete sessions[key];
    Object.assign(
      sessions,
      issueSessions({
        seed: world.seed,
        accounts: world.userbotIds.map((userId) => ({
          userId,
          username: world.getUser(userId)?.username ?? String(userId),
        })),
        registry,
        host: address.host,
        port: address.port,
      }),
    );
  };
  reissue();
  world.on("loaded", reissue);
  startUpdatePush(world, tap, connections);

  let closing: Promise<void> | undefined;
  return {
    host: address.host,
    port: address.port,
    dataCentres,
    publicKey: rsaKey.publicKeyPem,
    sessions,
    logins,
    connections: accountConnections,
    revokeSessions: (userId) => registries.reduce((ended, known) => ended + known.logOut(userId), 0),
    close() {
      closing ??= (async () => {
        world.off("loaded", reissue);
        tap.close();
        const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
      })();
      return closing;
    },
  };
}
