import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DashboardConfig, withoutDeliveredSecrets } from "@callbot/shared";
import type { Queue } from "bullmq";
import type { Logger } from "pino";

export interface DashboardDeps {
  config: DashboardConfig;
  /** The queues to show, by the name the dashboard lists them under. */
  queues: { calls: Queue; results: Queue };
  logger: Logger;
}

export interface RunningDashboard {
  /** The port bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** The dashboard's pages and API are small; a request that has not arrived whole by then never will. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The queue dashboard (bull-board on a Hono server): the calls and results queues, their jobs,
 * failures and stack traces, for an operator finding out why something failed.
 *
 * - Read-only: a retried or edited create-call job would skip the bot's checks (rights, one call
 *   per chat, the request ledger), so the dashboard looks and never acts; bull-board refuses its
 *   write routes with 405.
 * - Job data and return values are shown without the fields that carry delivered secrets (RTMP
 *   keys, invite links), even while a result still waits in Redis for the bot to deliver it.
 * - Basic auth when credentials are configured (the config refuses a non-loopback address
 *   without them).
 *
 * Its modules load only when it is enabled, so a bot without DASHBOARD_LISTEN carries none of them.
 */
export async function startDashboard(deps: DashboardDeps): Promise<RunningDashboard> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { Hono }, { basicAuth }, node, statics] =
    await Promise.all([
      import("@bull-board/api"),
      import("@bull-board/api/bullMQAdapter"),
      import("@bull-board/hono"),
      import("hono"),
      import("hono/basic-auth"),
      import("@hono/node-server"),
      import("@hono/node-server/serve-static"),
    ]);
  const adapters = Object.entries(deps.queues).map(([name, queue]) => {
    const adapter = new BullMQAdapter(queue, { readOnlyMode: true, displayName: name });
    adapter.setFormatter("data", withoutDeliveredSecrets);
    adapter.setFormatter("returnValue", withoutDeliveredSecrets);
    return adapter;
  });
  const serverAdapter = new HonoAdapter(statics.serveStatic).setBasePath("/");
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: { uiConfig: { boardTitle: "callbot queues" } },
  });

  const app = new Hono();
  const { credentials } = deps.config;
  if (credentials) {
    app.use("*", basicAuth({ username: credentials.user, password: credentials.password, realm: "callbot" }));
  }
  app.route("/", serverAdapter.registerPlugin());

  const { host, port } = deps.config.listen;
  const server = await new Promise<Server>((resolve, reject) => {
    const started = node.serve({ fetch: app.fetch, hostname: host, port }, () => resolve(started as Server));
    started.once("error", reject);
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const bound = (server.address() as AddressInfo).port;
  deps.logger.info(
    { host, port: bound, auth: credentials ? "basic" : "none (loopback only)" },
    "serving the queue dashboard",
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
