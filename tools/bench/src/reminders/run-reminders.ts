import { randomUUID } from "node:crypto";
import { chatCallSettingsStore, DEFAULT_BOT_LIMITS, reminderSubscriptions, startBot } from "@callbot/bot";
import { DEFAULT_RATE_LIMITS, startSandbox } from "@callbot/sandbox";
import { createLogger } from "@callbot/shared";
import { DEMO, DEMO_CHATS, deleteKeysWithPrefix, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";

export interface RemindersResult {
  subscribers: number;
  /** The sandbox's send limit (Telegram's ~30 a second) and the bot's reminder rate. */
  sandboxPerSecond: number;
  botPerSecond: number;
  /** From the call going live to the last subscriber's "live now" message. */
  tookMs: number;
  messagesPerSecond: number;
  /** Subscribers who got exactly one reminder. */
  remindedOnce: number;
  /** 429 answers the sandbox gave sendMessage meanwhile. */
  rateLimited: number;
  sendRequests: number;
}

/**
 * The reminders phase (issue 15): a call with `subscribers` 🔔 subscribers goes live, and the bot
 * reminds every one of them through its rate-limited reminders queue, against the sandbox's
 * default Bot API limits (30 messages a second overall). The real bot (startBot), real Redis.
 */
export async function runReminders(
  options: { redisUrl: string; subscribers: number },
  log: (line: string) => void,
): Promise<RemindersResult> {
  const sandbox = await startSandbox({});
  const prefix = `bench-reminders-${randomUUID()}`;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const bot = await startBot({
    config: {
      botToken: sandbox.info.botToken,
      botApiRoot: sandbox.info.botApiRoot,
      ownerIds: [DEMO.olga],
      defaultTimeZone: "UTC",
      redisUrl: options.redisUrl,
      allowRedisEviction: false,
    },
    logger: createLogger({ name: "bench-reminders", level: "silent", secrets: [sandbox.info.botToken] }),
    prefix,
    polling: false,
  });
  try {
    await chatCallSettingsStore(redis, prefix).set(DEMO.community, { announce: true });
    const entry = await bot.callsRegistry.create({
      chatId: DEMO.community,
      chatTitle: DEMO_CHATS.community.title,
      chatUsername: DEMO_CHATS.community.username,
      title: "Bench town hall",
      state: "scheduled",
      scheduleDate: Math.floor(Date.now() / 1000) + 3600,
      rtmp: false,
      autostart: false,
      call: { id: "880001", accessHash: "1" },
    });
    await sandbox.waitForBotMessage(DEMO.community, (m) => /Bench town hall/.test(m.text ?? ""));
    const guests = sandbox.world.addGuestUsers(options.subscribers, { startedBot: true });
    await reminderSubscriptions(redis, prefix).addMany(entry.id, guests);
    sandbox.resetCounters();
    log(`${options.subscribers} subscribers; the call goes live`);
    const startedAt = Date.now();
    await bot.callsRegistry.save({ ...entry, state: "live", startedAt: Math.floor(startedAt / 1000) });
    await waitFor(
      () => guests.every((id) => sandbox.botMessages(id).length > 0) || undefined,
      "every subscriber reminded",
      180_000,
      100,
    );
    const tookMs = Date.now() - startedAt;
    const counters = sandbox.counters();
    return {
      subscribers: options.subscribers,
      sandboxPerSecond: DEFAULT_RATE_LIMITS.overallPerSecond,
      botPerSecond: DEFAULT_BOT_LIMITS.reminderSendsPerSecond,
      tookMs,
      messagesPerSecond: Math.round((options.subscribers / tookMs) * 10_000) / 10,
      remindedOnce: guests.filter((id) => sandbox.botMessages(id).length === 1).length,
      rateLimited: counters.rateLimited.sendMessage ?? 0,
      sendRequests: counters.botApi.sendMessage ?? 0,
    };
  } finally {
    await bot.stop();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await sandbox.close();
  }
}

export function renderReminders(result: RemindersResult): string {
  return [
    "# Reminders: 🔔 subscribers of one call reminded as it goes live",
    "",
    "`pnpm bench -- --reminders [--subscribers N]`: the real bot (startBot) and Redis, the sandbox with",
    "Telegram's send limits (its defaults); the bot's reminders queue at its default rate.",
    "",
    "| subscribers | sandbox limit (msg/s) | bot rate (msg/s) | all reminded in | msg/s | reminded exactly once | 429s | sendMessage requests |",
    "| ----------: | --------------------: | ---------------: | --------------: | ----: | --------------------: | ---: | -------------------: |",
    `| ${result.subscribers} | ${result.sandboxPerSecond} | ${result.botPerSecond} | ${(result.tookMs / 1000).toFixed(1)} s | ${result.messagesPerSecond} | ${result.remindedOnce} | ${result.rateLimited} | ${result.sendRequests} |`,
    "",
  ].join("\n");
}
