import { startBot } from "@callbot/bot";
import { startSandbox } from "@callbot/sandbox";
import {
  type BotConfig,
  createLogger,
  createRedisConnection,
  DEFAULT_REDIS_URL,
  type Env,
  type LogLevel,
  LogLevelSchema,
  onShutdownSignal,
  redactRedisUrl,
  type WorkerConfig,
  waitUntilReady,
} from "@callbot/shared";
import { startCallWorker } from "@callbot/worker";
import { pino } from "pino";
import { forgetEarlierDemo } from "./forget-earlier-demo.ts";
import { type DemoRedis, redisForDemo } from "./redis-for-demo.ts";
import { runTerminalChat } from "./terminal-chat.ts";

/** Every Redis key of the demo lives under this prefix, away from a production deployment's. */
export const DEMO_PREFIX = "callbot-sandbox";
const DEMO_USERBOT = "callbot_assistant";
const DEMO_OPERATOR_ID = 1001;

export interface SandboxDemoOptions {
  env: Env;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * The newcomer's first run: the sandbox with its demo world, the real bot and the real worker
 * pointed at it (the same code as production, other addresses and credentials), and a terminal
 * chat to drive them as the demo owner.
 */
export async function runSandboxDemo(options: SandboxDemoOptions): Promise<void> {
  const { env } = options;
  const logLevel: LogLevel = LogLevelSchema.parse(env.LOG_LEVEL ?? "warn");
  const redis = await redisForDemo(env.REDIS_URL?.trim() || DEFAULT_REDIS_URL);
  try {
    await runOnRedis(options, redis, logLevel);
  } finally {
    await redis.stop();
  }
}

async function runOnRedis(options: SandboxDemoOptions, redis: DemoRedis, logLevel: LogLevel): Promise<void> {
  const { env, output } = options;
  const redisUrl = redis.url;
  const sandbox = await startSandbox({});
  const { info } = sandbox;
  const session = info.sessions[DEMO_USERBOT];
  if (!session) throw new Error(`the demo world has no userbot @${DEMO_USERBOT}`);
  // Logs go to stderr so that the chat on stdout stays readable.
  const logger = createLogger({
    level: logLevel,
    name: "callbot-sandbox",
    secrets: [info.botToken, session],
    destination: pino.destination(2),
  });

  const setup = createRedisConnection(redisUrl, { role: "producer", connectionName: "callbot-demo-setup" });
  try {
    await waitUntilReady(setup);
    await forgetEarlierDemo(setup, DEMO_PREFIX);
  } finally {
    setup.disconnect();
  }

  const workerConfig: WorkerConfig = {
    kind: "worker",
    tgApiId: info.apiId,
    tgApiHash: info.apiHash,
    tgSession: session,
    tgSessionFile: undefined,
    tgDc: info.mtproto,
    // The demo's sandbox is a test server: its key is trusted, as with TG_DC_PUBLIC_KEY.
    tgDcPublicKey: info.publicKey,
    redisUrl,
    queuePrefix: DEMO_PREFIX,
    logLevel,
    allowRedisEviction: false,
    production: false,
  };
  const botConfig: BotConfig = {
    kind: "bot",
    botToken: info.botToken,
    botApiRoot: info.botApiRoot,
    // Olga plays the operator of the demo deployment, as the owner of a real one would.
    ownerIds: [DEMO_OPERATOR_ID],
    redisUrl,
    queuePrefix: DEMO_PREFIX,
    defaultTimeZone: env.DEFAULT_TIME_ZONE?.trim() || "UTC",
    logLevel,
    allowRedisEviction: false,
  };

  const worker = startCallWorker({
    config: workerConfig,
    logger: logger.child({ part: "worker" }),
    prefix: DEMO_PREFIX,
  });
  await worker.ready;
  const bot = await startBot({
    config: botConfig,
    logger: logger.child({ part: "bot" }),
    prefix: DEMO_PREFIX,
  });

  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= (async () => {
      await Promise.allSettled([bot.stop(), worker.stop()]);
      await sandbox.close();
      await redis.stop();
    })();
    return stopped;
  };
  onShutdownSignal(logger, stopAll);

  output.write(
    [
      "callbot is running against the local Telegram sandbox (no Telegram account needed).",
      `  Bot API: ${info.botApiRoot}   MTProto: ${info.mtproto.host}:${info.mtproto.port}   control: ${info.control}`,
      `  bot @${info.botUsername}, assistant account @${DEMO_USERBOT}, Redis ${redisUrl} (keys under ${DEMO_PREFIX}:)`,
      ...(redis.startedOwn
        ? [
            `  Nothing answered at ${redactRedisUrl(redis.startedOwn.instead)}, so the demo runs its own Redis at ${redisUrl} (no persistence; it stops when you quit).`,
          ]
        : []),
      "  To try the login from scratch, in another terminal (phone +999 66 2 2001, password sandbox; the code appears here):",
      `    TG_API_ID=${info.apiId} TG_API_HASH=${info.apiHash} TG_DC=${info.mtproto.host}:${info.mtproto.port} TG_DC_PUBLIC_KEY='${info.publicKey.trim().replace(/\n/g, "\\n")}' pnpm session demo.session`,
      "",
    ].join("\n"),
  );
  // Telegram sends login codes to the account's other apps; in the demo, that is this terminal.
  sandbox.onLoginCode((sent) => output.write(`[sandbox] login code for +${sent.phone}: ${sent.code}\n`));
  await runTerminalChat({ sandbox, input: options.input, output });
  await stopAll();
}
