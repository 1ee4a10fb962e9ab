import { InlineKeyboard } from "grammy";
import { BOT_RIGHT_NAMES } from "./bot-right-names.ts";
import { type BotRight, isReady, missingFor, type SetupReport } from "./check-chat-setup.ts";
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

/**
 * The set-up checklist of one chat with the buttons that fix what the bot can fix itself.
 * `headline`: what the last press did, shown on top.
 */
export function renderSetupReport(
  report: SetupReport,
  options: { botUsername: string; headline?: string },
): { text: string; keyboard: InlineKeyboard } {
  const { chat, bot, assistant } = report;
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
  if (!assistant) {
    lines.push(
      "❔ I do not know the assistant account yet: its worker has not started. Start it (pnpm start:worker), then tap Check again.",
    );
  } else {
    const name = assistant.name;
    const present = assistant.status !== "absent" && assistant.status !== "banned";
    const hasRight =
      assistant.status === "owner" || (assistant.status === "admin" && assistant.canManageVideoChats);
    lines.push(`${mark(assistant.status !== "banned")} ${name} is not banned`);
    lines.push(`${mark(present)} ${name} is in the chat`);
    lines.push(`${mark(hasRight)} ${name} is an admin with "Manage video chats"`);
    lines.push(`${mark(!assistant.anonymous)} ${name} is not anonymous`);

    const fix =
      assistant.status === "banned" ? "unban" : !present ? "add" : !hasRight ? "promote" : undefined;
    // A public chat can be joined without an invite link, so adding needs no right of the bot there.
    const lacking = fix === undefined || (fix === "add" && chat.username) ? [] : missingFor(report, fix);
    if (fix && lacking.length === 0) {
      const label = {
        unban: "🔓 Unban the assistant",
        add: "➕ Add the assistant",
        promote: "⭐ Give it the right",
      }[fix];
      keyboard.text(label, setupPressData(fix, chat.id)).row();
    }
    for (const right of lacking) botNeeds.add(right);
    if (assistant.anonymous) {
      lines.push(
        "",
        `Turn off "Remain anonymous" for ${name} (chat info → Administrators → ${name}): Telegram does not let an anonymous admin start calls as itself.`,
      );
    }
  }
  // Whatever the assistant's state, the rights set-up relies on are asked for when missing.
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
