import type { BotApiRateLimits } from "./bot-api/send-rate-limiter.ts";
import { type BotApiServer, startBotApiServer } from "./bot-api/server.ts";
import type { WebhookRetryPolicy } from "./bot-api/webhook-delivery.ts";
import { type ControlHttpServer, startControlHttpServer } from "./control/control-http-server.ts";
import { SandboxControl } from "./control/sandbox-control.ts";
import { RequestCounters } from "./counters/request-counters.ts";
import { FaultInjector } from "./faults/fault-injector.ts";
import type { AccountConnectionCount } from "./mtproto/account-connections.ts";
import type { DataCentre } from "./mtproto/data-centres.ts";
import { type MtprotoServer, startMtprotoServer } from "./mtproto/server.ts";
import type { WorldFixture } from "./world/fixture-schema.ts";
import { readWorldFixture, World } from "./world/world.ts";
import type { WorldSettingsPatch } from "./world/world-settings.ts";
import { demoWorldPath } from "./worlds/demo-world.ts";

/** The api_id/api_hash pair the sandbox expects; fixed, so configs can name them. */
export const SANDBOX_API_ID = 94575;
export const SANDBOX_API_HASH = "5a4e1b0c0ffee0ddba11ca11b07c0de5";

export interface SandboxOptions {
  /** A fixture object or a path to a JSON fixture; default: the demo world. */
  world?: WorldFixture | string;
  /** Answers to what Telegram does not document (WorldSettings); applied over the fixture's. */
  settings?: WorldSettingsPatch;
  /** Default: free ports. */
  ports?: { botApi?: number; mtproto?: number; secondDc?: number; control?: number };
  /** Default 127.0.0.1. */
  host?: string;
  /** Bot API send limits (partial values override Telegram's defaults), or false to switch them off. */
  rateLimits?: Partial<BotApiRateLimits> | false;
  /** How fast failed webhook deliveries are retried. */
  webhookRetry?: Partial<WebhookRetryPolicy>;
  /** Told about exceptions inside the MTProto server's method code. */
  onInternalError?: (method: string, error: unknown) => void;
}

export interface SandboxInfo {
  botApiRoot: string;
  botToken: string;
  botId: number;
  botUsername: string;
  /** Data centre 2: where issued sessions connect and logins start. */
  mtproto: { host: string; port: number };
  /** Every data centre (2 and 4, each on its own port). */
  dataCentres: readonly DataCentre[];
  /** PKCS#1 PEM of the RSA key for the auth-key exchange: give it to clients as TG_DC_PUBLIC_KEY. */
  publicKey: string;
  apiId: number;
  apiHash: string;
  /** Userbot username -> gramjs StringSession. */
  sessions: Record<string, string>;
  /** Base URL of the control API over HTTP. */
  control: string;
}

/** A running sandbox: the control API plus addresses, credentials and close(). */
export class Sandbox extends SandboxControl {
  private closing: Promise<void> | undefined;

  constructor(
    readonly info: SandboxInfo,
    world: World,
    faults: FaultInjector,
    counters: RequestCounters,
    private readonly servers: { botApi: BotApiServer; mtproto: MtprotoServer; control: ControlHttpServer },
  ) {
    super(
      world,
      faults,
      counters,
      servers.botApi.state,
      servers.mtproto.logins,
      servers.mtproto.revokeSessions,
    );
  }

  /** An account's open MTProto connections now, and the most it had at once (see AccountConnections). */
  mtprotoConnections(accountId: number): AccountConnectionCount {
    return this.servers.mtproto.connections.of(accountId);
  }

  /** Closes all three servers; safe to call twice. Failures are reported, not thrown. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const results = await Promise.allSettled([
        this.servers.control.close(),
        this.servers.botApi.close(),
        this.servers.mtproto.close(),
      ]);
      for (const result of results) {
        if (result.status === "rejected") console.error("[sandbox] close failed", result.reason);
      }
    })();
    return this.closing;
  }
}

/** Starts the Bot API (HTTP), MTProto (TCP) and control (HTTP) servers on one World. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const fixture =
    typeof options.world === "string"
      ? readWorldFixture(options.world)
      : (options.world ?? readWorldFixture(demoWorldPath));
  const world = new World(fixture);
  if (options.settings) world.configure(options.settings);
  const faults = new FaultInjector();
  const counters = new RequestCounters();

  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const botApi = await startBotApiServer({
      world,
      faults,
      counters,
      host,
      port: options.ports?.botApi ?? 0,
      ...(options.rateLimits !== undefined && { rateLimits: options.rateLimits }),
      ...(options.webhookRetry && { webhookRetry: options.webhookRetry }),
    });
    started.push(botApi);
    const mtproto = await startMtprotoServer({
      world,
      faults,
      counters,
      host,
      port: options.ports?.mtproto ?? 0,
      ...(options.ports?.secondDc !== undefined && { secondDcPort: options.ports.secondDc }),
      apiId: SANDBOX_API_ID,
      ...(options.onInternalError && { onInternalError: options.onInternalError }),
    });
    started.push(mtproto);
    const info: SandboxInfo = {
      botApiRoot: botApi.apiRoot,
      botToken: world.bot.token,
      botId: world.bot.id,
      botUsername: world.bot.username,
      mtproto: { host: mtproto.host, port: mtproto.port },
      dataCentres: mtproto.dataCentres,
      publicKey: mtproto.publicKey,
      apiId: SANDBOX_API_ID,
      apiHash: SANDBOX_API_HASH,
      sessions: mtproto.sessions,
      control: "",
    };
    // The control server needs the control object, and the object needs the control URL.
    let sandbox: Sandbox | undefined;
    const control = await startControlHttpServer(
      new SandboxControl(world, faults, counters, botApi.state, mtproto.logins, mtproto.revokeSessions),
      {
        host,
        port: options.ports?.control ?? 0,
        extraInfo: () => sandbox?.info,
      },
    );
    started.push(control);
    info.control = control.url;
    sandbox = new Sandbox(info, world, faults, counters, { botApi, mtproto, control });
    return sandbox;
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.close()));
    throw error;
  }
}
