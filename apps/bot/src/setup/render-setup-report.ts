import { InlineKeyboard } from "grammy";
import { BOT_RIGHT_NAMES } from "./bot-right-names.ts";
import {
  type AssistantFacts,
  type BotRight,
  isReady,
  mayCreateCalls,
  missingFor,
  type SetupReport,
} from "./check-chat-setup.ts";
import { setupPressData } from "./setup-press-data.ts";

/**
 * The add-to-chat deep link that pre-fills exactly these admin rights for the bot
 * (core.telegram.org/api/links, "Bot links": `startgroup`/`startchannel` with `admin=` rights
 * joined by "+"; the names are tdesktop's ParseRequestedAdminRights).
 */
export function addBotDeepLink(
  botUsername: string,
  chatType: SetupReport["chat"]["type"],
  rights: BotRight[],
) {
  const kind = chatType === "channel" ? "startchannel" : "startgroup";
  return `https://t.me/${botUsername}?${kind}&admin=${rights.join("+")}`;
}

const mark = (ok: boolean) => (ok ? "✅" : "❌");

type Fix = "add" | "promote" | "unban";

/** What would let this account create calls here, if anything the bot can do. */
function fixFor(assistant: AssistantFacts): Fix | undefined {
  if (assistant.status === "banned") return "unban";
  if (assistant.status === "absent") return "add";
  return mayCreateCalls(assistant) ? undefined : "promote";
}

/**
 * The set-up checklist of one chat with the buttons that fix what the bot can fix itself.
 * `headline`: what the last press did, shown on top. With one assistant account, each of its
 * checks is a line; with several, one line per account, and the accounts to make an admin
 * named: as what /newcall needs when none may create calls here, else as optional, for failover.
 */
export function renderSetupReport(
  report: SetupReport,
  options: { botUsername: string; headline?: string },
): { text: string; keyboard: InlineKeyboard } {
  const { chat, bot, assistants } = report;
  const lines: string[] = [];
  if (options.headline) lines.push(options.headline, "");
  lines.push(`Set-up of «${chat.title}»:`);
  lines.push(`${mark(bot.isAdmin)} I am an admin of the chat`);
  lines.push(`${mark(!bot.missing.includes("invite_users"))} I may invite users (to bring the assistant in)`);
  const mayPromote = !bot.missing.includes("promote_members") && !bot.missing.includes("manage_video_chats");
  lines.push(
    `${mark(mayPromote)} I may add admins with "Manage video chats" (to give the assistant that right)`,
  );

  const keyboard = new InlineKeyboard();
  const botNeeds = new Set<BotRight>();
  /** The button of an account's fix when the bot holds what it needs, else the rights it lacks. */
  const offerFix = (assistant: AssistantFacts, label: (fix: Fix) => string, accountId?: number) => {
    const fix = fixFor(assistant);
    // A public chat can be joined without an invite link, so adding needs no right of the bot there.
    const lacking = fix === undefined || (fix === "add" && chat.username) ? [] : missingFor(report, fix);
    if (fix && lacking.length === 0) keyboard.text(label(fix), setupPressData(fix, chat.id, accountId)).row();
    for (const right of lacking) botNeeds.add(right);
  };
  const [only] = assistants;
  if (!only) {
    lines.push(
      "❔ I do not know the assistant account yet: its worker has not started. Start it (pnpm start:worker), then tap Check again.",
    );
  } else if (assistants.length === 1) {
    const name = only.name;
    const present = only.status !== "absent" && only.status !== "banned";
    lines.push(`${mark(only.status !== "banned")} ${name} is not banned`);
    lines.push(`${mark(present)} ${name} is in the chat`);
    lines.push(`${mark(mayCreateCalls(only))} ${name} is an admin with "Manage video chats"`);
    lines.push(`${mark(!only.anonymous)} ${name} is not anonymous`);
    offerFix(only, (fix) => SINGLE_FIX_LABELS[fix]);
    if (only.anonymous) lines.push("", anonymousAdvice(name));
  } else {
    lines.push(
      "",
      'My assistant accounts (any one that is an admin with "Manage video chats" creates calls here):',
    );
    for (const assistant of assistants) lines.push(assistantLine(assistant));
    const eligible = assistants.filter(mayCreateCalls);
    if (eligible.length > 0) {
      // Calls work already; an account made an admin too takes over this chat's calls when the
      // eligible one's session dies or it waits out a flood. Offered, and said to be optional.
      const spare = assistants.filter((a) => fixFor(a) !== undefined);
      if (spare.length > 0) {
        lines.push(
          "",
          `Optional, for failover: make ${spare.map((a) => a.name).join(", ")} an admin with "Manage video chats" too, so that calls here go on when ${eligible.map((a) => a.name).join(", ")} cannot create them (its session ended, or Telegram makes it wait). /newcall works without it. Tap a button below, or do it under chat info → Administrators.`,
        );
        for (const assistant of spare)
          offerFix(assistant, (fix) => `${FIX_LABELS[fix](assistant.name)} (for failover)`, assistant.userId);
      }
    } else {
      const named = assistants.map((a) => {
        const fix = fixFor(a);
        return fix === "add" || fix === "unban" ? `${a.name} (${FIRST_STEP[fix]})` : a.name;
      });
      lines.push(
        "",
        `None of them may create video chats here. Make one of them an admin with "Manage video chats": ${named.join(", or ")}. Tap its button below, or do it under chat info → Administrators.`,
      );
      for (const assistant of assistants)
        offerFix(assistant, (fix) => FIX_LABELS[fix](assistant.name), assistant.userId);
    }
    for (const assistant of assistants)
      if (assistant.anonymous) lines.push("", anonymousAdvice(assistant.name));
  }
  // Whatever the assistants' state, the rights set-up relies on are asked for when missing.
  for (const right of bot.missing) if (right !== "restrict_members") botNeeds.add(right);
  if (botNeeds.size > 0) {
    const rights = [...botNeeds];
    lines.push(
      "",
      `I lack these admin rights: ${rights.map((r) => BOT_RIGHT_NAMES[r]).join(", ")}. Tap "Give me the rights" (it asks for exactly these), or turn them on under chat info → Administrators → @${options.botUsername}.`,
    );
    keyboard.url("🔑 Give me the rights", addBotDeepLink(options.botUsername, chat.type, rights)).row();
  }
  if (isReady(report)) lines.push("", "All set: /newcall works here.");
  keyboard.text("🔄 Check again", setupPressData("check", chat.id));
  return { text: lines.join("\n"), keyboard };
}

const SINGLE_FIX_LABELS: Record<Fix, string> = {
  unban: "🔓 Unban the assistant",
  add: "➕ Add the assistant",
  promote: "⭐ Give it the right",
};
const FIX_LABELS: Record<Fix, (name: string) => string> = {
  unban: (name) => `🔓 Unban ${name}`,
  add: (name) => `➕ Add ${name}`,
  promote: (name) => `⭐ Make ${name} an admin`,
};
/** What must happen before an account can be made an admin. */
const FIRST_STEP: Record<"add" | "unban", string> = {
  unban: "unban it first",
  add: "add it to the chat first",
};

/** One account's line among several: what it is in the chat. */
function assistantLine(assistant: AssistantFacts): string {
  const ok = mayCreateCalls(assistant) && !assistant.anonymous;
  const what = {
    owner: "owns the chat",
    admin: assistant.canManageVideoChats
      ? 'an admin with "Manage video chats"'
      : 'an admin without "Manage video chats"',
    member: 'a member, not an admin with "Manage video chats"',
    absent: "not in the chat",
    banned: "banned from the chat",
  }[assistant.status];
  return `${mark(ok)} ${assistant.name}: ${what}${assistant.anonymous ? ", but anonymous" : ""}`;
}

function anonymousAdvice(name: string): string {
  return `Turn off "Remain anonymous" for ${name} (chat info → Administrators → ${name}): Telegram does not let an anonymous admin start calls as itself.`;
}
