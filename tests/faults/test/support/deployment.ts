import type { OutputCapture } from "./output-capture.ts";
import { ENTRY, ServiceProcess } from "./service-process.ts";

/** What a bot and a worker need to reach a sandbox: the sandbox's info, or the CLI's JSON line. */
export interface SandboxInfo {
  botApiRoot: string;
  botToken: string;
  mtproto: { host: string; port: number };
  apiId: number;
  apiHash: string;
  sessions: Record<string, string>;
}

export interface DeploymentOptions {
  redisUrl: string;
  /** QUEUE_PREFIX for both processes. */
  prefix: string;
  ownerIds: number[];
  logLevel?: string;
}

/** The environment of each product process, exactly the variables the README documents. */
export function productEnv(info: SandboxInfo, options: DeploymentOptions) {
  const common = {
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.prefix,
    // debug: more of what the processes know reaches their output, so the secret scan sees more.
    LOG_LEVEL: options.logLevel ?? "debug",
  };
  const session = info.sessions.callbot_assistant;
  if (!session) throw new Error("the sandbox issued no session for @callbot_assistant");
  return {
    bot: {
      ...common,
      BOT_TOKEN: info.botToken,
      BOT_API_ROOT: info.botApiRoot,
      OWNER_IDS: options.ownerIds.join(","),
      DEFAULT_TIME_ZONE: "Europe/Berlin",
    },
    worker: {
      ...common,
      TG_API_ID: String(info.apiId),
      TG_API_HASH: info.apiHash,
      TG_SESSION: session,
      TG_DC: `${info.mtproto.host}:${info.mtproto.port}`,
    },
  };
}

/**
 * Log messages that say a process is ready (apps/bot/src/start-bot.ts, apps/worker/src/start-worker.ts;
 * the worker's was "taking create-call jobs" before it took call-action jobs too).
 */
export const READY = { bot: /^bot started$/, worker: /^taking (create-)?call jobs$/ } as const;

/** Starts apps/bot/src/main.ts and resolves once it polls. */
export async function startBotProcess(
  env: Record<string, string>,
  capture: OutputCapture,
): Promise<ServiceProcess> {
  const bot = new ServiceProcess("bot", ENTRY.bot, env, capture);
  await bot.waitForLog(READY.bot);
  return bot;
}

/** Starts apps/worker/src/main.ts and resolves once it takes jobs. */
export async function startWorkerProcess(
  env: Record<string, string>,
  capture: OutputCapture,
  name = "worker",
): Promise<ServiceProcess> {
  const worker = new ServiceProcess(name, ENTRY.worker, env, capture);
  await worker.waitForLog(READY.worker);
  return worker;
}
