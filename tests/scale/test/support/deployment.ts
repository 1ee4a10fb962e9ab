import { randomUUID } from "node:crypto";
import { type BenchWorld, buildBenchWorld, type RoundRobinProxy, startRoundRobinProxy } from "@callbot/bench";
import { type RunningBot, startBot } from "@callbot/bot";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { type CallWorker, startCallWorker } from "@callbot/worker";
import type { Update } from "grammy/types";
import { pino } from "pino";

export const WEBHOOK_SECRET = "scale-webhook-secret-0123456789";
const WEBHOOK_PATH = "/telegram-updates";

/** The product as a scaled-out deployment: N bot replicas in webhook mode behind one address, one worker. */
export interface Deployment {
  sandbox: Sandbox;
  world: BenchWorld;
  prefix: string;
  bots: RunningBot[];
  worker: CallWorker;
  proxy: RoundRobinProxy;
  /** Every update a replica handled, with the replica's index. */
  handled: { replica: number; update: Update }[];
  close(): Promise<void>;
}

export interface DeploymentOptions {
  /** REDIS_URL of the bots and the worker (a cluster's or a sentinel's too). */
  redisUrl: string;
  botReplicas: number;
  /** Group chats in the world, each with an owner of its own. */
  chats: number;
  /** Key prefix; default a fresh one. */
  prefix?: string;
}

/**
 * The sandbox with a world of `chats` supergroups (the bench's: assistant and bot admins, one
 * owner each), the worker, and `botReplicas` bots in webhook mode, each on its own port behind a
 * round-robin proxy that the sandbox delivers to: a load balancer in front of replicas.
 */
export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const world = buildBenchWorld({ privateChats: options.chats, publicChats: 0, chatsPerOwner: 1 });
  const sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
  const prefix = options.prefix ?? `scale-${randomUUID()}`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const session = sandbox.info.sessions[world.assistantUsername];
  if (!session) throw new Error("the bench world has no assistant session");
  const proxy = await startRoundRobinProxy();
  const handled: Deployment["handled"] = [];
  const bots: RunningBot[] = [];
  let worker: CallWorker | undefined;
  try {
    worker = startCallWorker({
      config: {
        tgApiId: sandbox.info.apiId,
        tgApiHash: sandbox.info.apiHash,
        tgSession: session,
        tgDc: sandbox.info.mtproto,
        tgDcPublicKey: undefined,
        redisUrl: options.redisUrl,
        metricsListen: undefined,
      },
      logger,
      prefix,
    });
    await worker.ready;
    for (let replica = 0; replica < options.botReplicas; replica++) {
      const bot = await startBot({
        config: {
          botToken: sandbox.info.botToken,
          botApiRoot: sandbox.info.botApiRoot,
          ownerIds: [world.operatorId],
          defaultTimeZone: "UTC",
          redisUrl: options.redisUrl,
          allowRedisEviction: false,
          webhook: {
            url: proxy.url(WEBHOOK_PATH),
            secret: WEBHOOK_SECRET,
            listen: { host: "127.0.0.1", port: 0 },
          },
        },
        logger,
        prefix,
        stopStepTimeoutMs: 2_000,
        observeUpdate: (update) => handled.push({ replica, update }),
      });
      bots.push(bot);
      if (bot.webhookPort === undefined) throw new Error("the bot did not start its webhook server");
      proxy.add(bot.webhookPort);
    }
  } catch (error) {
    await Promise.allSettled([...bots.map((bot) => bot.stop()), worker?.stop()]);
    await proxy.close();
    await sandbox.close();
    throw error;
  }
  const started = worker;
  return {
    sandbox,
    world,
    prefix,
    bots,
    worker: started,
    proxy,
    handled,
    async close() {
      await Promise.allSettled([...bots.map((bot) => bot.stop()), started.stop()]);
      await proxy.close();
      await sandbox.close();
    },
  };
}

/** POSTs an update straight to one replica's webhook port, as a retried delivery would arrive. */
export async function deliverTo(bot: RunningBot, update: Update): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${bot.webhookPort}${WEBHOOK_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}
