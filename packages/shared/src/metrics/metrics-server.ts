import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { HostAndPort } from "../config/env-schemas.ts";

/**
 * What /readyz says: ready or not, and each check by name (true, or why not), so that an
 * operator reading the body sees what to fix. Extra facts (a flood wait's end) go in `details`.
 */
export interface Readiness {
  ready: boolean;
  checks: Record<string, true | string>;
  details?: Record<string, unknown>;
}

export interface MetricsServerDeps {
  listen: HostAndPort;
  registry: Registry;
  /** Asked on every /readyz; must not throw (a thrown error is answered as not ready). */
  readiness: () => Promise<Readiness>;
  logger: Logger;
}

export interface MetricsServer {
  /** The port bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Builds a Readiness from named checks: ready when every check is true. */
export function readinessOf(
  checks: Record<string, true | string>,
  details?: Record<string, unknown>,
): Readiness {
  const ready = Object.values(checks).every((check) => check === true);
  return { ready, checks, ...(details !== undefined && { details }) };
}

/**
 * The operator's HTTP endpoints of one process: /healthz (the process answers: alive),
 * /readyz (200 when it can take work, 503 with the failing checks otherwise) and /metrics
 * (Prometheus text). Nothing else is served, and nothing on it changes state, so it is safe to
 * scrape; it still shows queue sizes, so bind it to 127.0.0.1 or a private network.
 */
export async function startMetricsServer(deps: MetricsServerDeps): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = (status: number, type: string, body: string) => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      response.end(body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") {
      answer(405, "text/plain; charset=utf-8", "only GET\n");
      return;
    }
    if (path === "/healthz") {
      answer(200, "application/json", JSON.stringify({ alive: true }));
      return;
    }
    if (path === "/readyz") {
      deps.readiness().then(
        (readiness) => answer(readiness.ready ? 200 : 503, "application/json", JSON.stringify(readiness)),
        (error: unknown) =>
          answer(
            503,
            "application/json",
            JSON.stringify({
              ready: false,
              checks: { readiness: error instanceof Error ? error.message : String(error) },
            }),
          ),
      );
      return;
    }
    if (path === "/metrics") {
      deps.registry.metrics().then(
        (text) => answer(200, deps.registry.contentType, text),
        (error: unknown) => {
          deps.logger.warn({ err: error }, "collecting metrics failed");
          answer(500, "text/plain; charset=utf-8", "collecting metrics failed\n");
        },
      );
      return;
    }
    answer(404, "text/plain; charset=utf-8", "try /healthz, /readyz or /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.listen.port, deps.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ host: deps.listen.host, port }, "serving /healthz, /readyz and /metrics");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
