import {
  type AssistantFacts,
  BOT_RIGHT_NAMES,
  botApiFor,
  checkKnownChats,
  isReady,
  type KnownChatCheck,
  mayCreateCalls,
} from "@callbot/bot";
import type { BotConfig } from "@callbot/shared";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { CheckResult } from "./check-result.ts";

/**
 * The chats the bot knows (those it served a request for), each checked as /setup checks it:
 * one line per chat, ❌ when calls cannot be created there (the assistant is missing, banned,
 * without "Manage video chats", or anonymous; with several accounts: every one of them; the bot
 * was removed), ⚠️ when only the bot lacks rights that /setup's one-tap fixes need. Each fix names
 * /setup's button as /setup labels it (with several accounts, each account's own), and once one
 * account serves the chat the others are named as optional, for failover. Bot API only: the
 * assistants' sessions are not used.
 */
export async function checkChats(config: BotConfig): Promise<CheckResult[]> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    const api = botApiFor(config, pino({ level: "silent" }));
    const { assistants, chats } = await checkKnownChats({ api, redis, prefix: config.queuePrefix });
    if (chats.length === 0) {
      return [
        {
          status: "ok",
          name: "chats",
          detail: "the bot has served no request yet; run /setup in each chat before its first /newcall",
        },
      ];
    }
    const results = chats.map(describeChat);
    if (assistants.length === 0) {
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

function describeChat(check: KnownChatCheck): CheckResult {
  const name = `chat «${check.report?.chat.title ?? check.chat.title}» (${check.chat.chatId})`;
  if (check.report === undefined) {
    return {
      status: "fail",
      name,
      detail: `${check.problem}: add the bot back as an admin, or ignore this line if the chat is no longer used`,
    };
  }
  const { bot, assistants } = check.report;
  const known = assistants.length > 0;
  const ready = isReady(check.report);
  const several = assistants.length > 1;
  const fixes = ready ? [] : assistants.flatMap((facts) => fixesOf(facts, several));
  // With several accounts, any one of them set up is enough.
  if (several && fixes.length > 0)
    fixes.unshift("no assistant account may create calls; fix any one of them");
  const botLacks = bot.isAdmin
    ? bot.missing.map((right) => BOT_RIGHT_NAMES[right])
    : ["admin rights (Invite users, Add new admins, Manage video chats)"];
  const botLine =
    botLacks.length > 0 ? `the bot lacks ${botLacks.join(", ")} (/setup's fixes need them)` : "";
  if (known && !ready) {
    return { status: "fail", name, detail: [...fixes, botLine].filter(Boolean).join("; ") };
  }
  // Ready: with several accounts, the others are named as /setup offers them, optional, for failover.
  const spares = several ? assistants.filter((a) => !mayCreateCalls(a) || a.anonymous).map(failoverOf) : [];
  if (botLine !== "") {
    return {
      status: "warn",
      name,
      detail: [`${known ? "calls can be created; " : ""}${botLine}`, ...spares].join("; "),
    };
  }
  const admins = assistants.filter((a) => mayCreateCalls(a) && !a.anonymous).map((a) => a.name);
  return {
    status: "ok",
    name,
    detail: known
      ? [
          `ready: the bot is an admin with its rights, ${admins.join(", ")} ${admins.length > 1 ? "are admins" : "an admin"} with "Manage video chats"`,
          ...spares,
        ].join("; ")
      : "the bot is an admin with its rights",
  };
}

/** /setup's button for a fix: the one account's wording, or, with several, the account's own. */
function buttonFor(facts: AssistantFacts, fix: "add" | "unban" | "promote", several: boolean): string {
  if (!several)
    return { add: "Add the assistant", unban: "Unban the assistant", promote: "Give it the right" }[fix];
  return { add: `Add ${facts.name}`, unban: `Unban ${facts.name}`, promote: `Make ${facts.name} an admin` }[
    fix
  ];
}

/** What to do for one assistant account that cannot create calls in the chat. */
function fixesOf(facts: AssistantFacts, several: boolean): string[] {
  const who = facts.name;
  const fixes: string[] = [];
  if (facts.status === "banned")
    fixes.push(`${who} is banned: unban it (/setup → "${buttonFor(facts, "unban", several)}")`);
  else if (facts.status === "absent")
    fixes.push(`${who} is not in the chat: add it (/setup → "${buttonFor(facts, "add", several)}")`);
  else if (!mayCreateCalls(facts))
    fixes.push(
      `${who} is not an admin with "Manage video chats": ${several ? "make it one" : "grant it"} (/setup → "${buttonFor(facts, "promote", several)}")`,
    );
  if (facts.anonymous) fixes.push(`${who} is an anonymous admin: turn "Remain anonymous" off for it`);
  return fixes;
}

/** An account that cannot create calls in a chat another account serves: optional, as /setup says. */
function failoverOf(facts: AssistantFacts): string {
  const fix = facts.status === "banned" ? "unban" : facts.status === "absent" ? "add" : "promote";
  if (mayCreateCalls(facts))
    return `${facts.name} is an anonymous admin (optional, for failover: turn "Remain anonymous" off for it)`;
  const what = {
    unban: "is banned",
    add: "is not in the chat",
    promote: 'is not an admin with "Manage video chats"',
  }[fix];
  return `${facts.name} ${what} (optional, for failover: /setup → "${buttonFor(facts, fix, true)} (for failover)")`;
}
