import { BOT_RIGHT_NAMES, botApiFor, checkKnownChats, isReady, type KnownChatCheck } from "@callbot/bot";
import type { BotConfig } from "@callbot/shared";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { CheckResult } from "./check-result.ts";

/**
 * The chats the bot knows (those it served a request for), each checked as /setup checks it:
 * one line per chat, ❌ when calls cannot be created there (the assistant is missing, banned,
 * without "Manage video chats", or anonymous; the bot was removed), ⚠️ when only the bot lacks
 * rights that /setup's one-tap fixes need. Bot API only: the assistant's session is not used.
 */
export async function checkChats(config: BotConfig): Promise<CheckResult[]> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    const api = botApiFor(config, pino({ level: "silent" }));
    const { assistant, chats } = await checkKnownChats({ api, redis, prefix: config.queuePrefix });
    if (chats.length === 0) {
      return [
        {
          status: "ok",
          name: "chats",
          detail: "the bot has served no request yet; run /setup in each chat before its first /newcall",
        },
      ];
    }
    const results = chats.map((check) => describeChat(check, assistant));
    if (assistant === undefined) {
      results.unshift({
        status: "warn",
        name: "chats",
        detail:
          "no worker has published the assistant account yet, so only the bot's rights were checked: start the worker and run the doctor again",
      });
    }
    return results;
  } catch (error) {
    return [
      {
        status: "fail",
        name: "chats",
        detail: `could not check the chats: ${(error as Error).message.replaceAll(config.botToken, "[redacted]")}`,
      },
    ];
  } finally {
    redis.disconnect();
  }
}

function describeChat(check: KnownChatCheck, assistant: string | undefined): CheckResult {
  const name = `chat «${check.report?.chat.title ?? check.chat.title}» (${check.chat.chatId})`;
  if (check.report === undefined) {
    return {
      status: "fail",
      name,
      detail: `${check.problem}: add the bot back as an admin, or ignore this line if the chat is no longer used`,
    };
  }
  const { bot, assistant: facts } = check.report;
  const fixes: string[] = [];
  if (facts !== undefined) {
    const who = assistant ?? facts.name;
    if (facts.status === "banned") fixes.push(`${who} is banned: unban it (/setup → "Unban the assistant")`);
    else if (facts.status === "absent")
      fixes.push(`${who} is not in the chat: add it (/setup → "Add the assistant")`);
    else if (facts.status === "member" || !facts.canManageVideoChats)
      fixes.push(`${who} is not an admin with "Manage video chats": grant it (/setup → "Give it the right")`);
    if (facts.anonymous) fixes.push(`${who} is an anonymous admin: turn "Remain anonymous" off for it`);
  }
  const botLacks = bot.isAdmin
    ? bot.missing.map((right) => BOT_RIGHT_NAMES[right])
    : ["admin rights (Invite users, Add new admins, Manage video chats)"];
  const botLine =
    botLacks.length > 0 ? `the bot lacks ${botLacks.join(", ")} (/setup's fixes need them)` : "";
  if (facts !== undefined && !isReady(check.report)) {
    return { status: "fail", name, detail: [...fixes, botLine].filter(Boolean).join("; ") };
  }
  if (botLine !== "") {
    return { status: "warn", name, detail: `${facts ? "calls can be created; " : ""}${botLine}` };
  }
  return {
    status: "ok",
    name,
    detail: facts
      ? `ready: the bot is an admin with its rights, ${assistant ?? facts.name} an admin with "Manage video chats"`
      : "the bot is an admin with its rights",
  };
}
