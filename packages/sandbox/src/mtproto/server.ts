import { createServer, type Server, type Socket } from "node:net";
import type { RequestCounters } from "../counters/request-counters.ts";
import type { FaultInjector } from "../faults/fault-injector.ts";
import type { World } from "../world/world.ts";
import { ClientConnection } from "./connection.ts";
import { dispatchRequest } from "./rpc/dispatch.ts";
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
  /** 0 picks a free port. */
  port: number;
  /** The api_id clients must announce in initConnection. */
  apiId: number;
  /** Told about exceptions in the sandbox's own method code; the client gets rpc_error 500. */
  onInternalError?: (method: string, error: unknown) => void;
}

export interface MtprotoServer {
  host: string;
  port: number;
  /** Userbot username -> gramjs StringSession (stable for the same world seed). */
  sessions: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The sandbox's MTProto server: TCP (full, intermediate and abridged transports), MTProto 2.0
 * with auth keys the sandbox issues (no DH exchange), layer-198 TL via gramjs's own classes.
 */
export async function startMtprotoServer(opts: MtprotoServerOptions): Promise<MtprotoServer> {
  const { world } = opts;
  const registry = new AuthKeyRegistry();
  const connections = new Set<ClientConnection>();
  const sockets = new Set<Socket>();
  const tap = new WorldEventTap(world);
  const address = { host: opts.host, port: opts.port };
  const sessions: Record<string, string> = {};

  const handlers = {
    registry,
    onMessage: (connection: ClientConnection, msgId: bigint, body: Buffer) =>
      handleIncomingMessage(
        connection,
        msgId,
        body,
        (conn, reqMsgId, requestBody) => {
          dispatchRequest(dispatchDeps, conn, reqMsgId, requestBody).catch(() => conn.close());
        },
        connection.serverSalt,
      ),
    onClose: (connection: ClientConnection) => connections.delete(connection),
  };
  const dispatchDeps = {
    world,
    faults: opts.faults,
    counters: opts.counters,
    tap,
    apiId: opts.apiId,
    server: address,
    ...(opts.onInternalError && { onInternalError: opts.onInternalError }),
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    connections.add(new ClientConnection(socket, handlers));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === "string") throw new Error("MTProto server has no TCP address");
  address.port = bound.port;

  // Sessions follow the world: loading another fixture issues keys for its userbots, in the
  // same object the caller holds.
  const reissue = () => {
    registry.clear();
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
    sessions,
    close() {
      closing ??= new Promise<void>((resolve) => {
        world.off("loaded", reissue);
        tap.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
