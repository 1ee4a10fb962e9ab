import type { Context } from "grammy";
import { type ChatCommandDeps, claimCommand } from "../calls/rename-and-rotate.ts";
import { resolveManagedChat, resolveNamedChat } from "../calls/resolve-managed-chat.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import type { RecordingDestinations } from "./recording-destinations.ts";

export interface RecordingsCommandDeps extends ChatCommandDeps {
  recordingDestinations: RecordingDestinations;
}

export const RECORDINGS_USAGE = [
  "Where recordings of a chat's calls go when stopped (Telegram puts them in the assistant's Saved Messages, and I forward them):",
  "in the group: /recordings to @yourarchive · /recordings here · /recordings off · /recordings alone shows it",
  "in a private chat with me: /recordings @yourgroup to @yourarchive (or off)",
  "You must manage calls in both chats: the owner, or an admin with “Manage video chats”.",
].join("\n");

/**
 * /recordings [chat] [to <chat> | here | off]: the chat a chat's recordings are forwarded to.
 * The sender must manage calls in the recorded chat and in the destination, both checked with
 * Telegram now, so a recording only ever goes to a chat its owner controls.
 */
export async function handleRecordingsCommand(ctx: Context, deps: RecordingsCommandDeps): Promise<void> {
  const source = await resolveManagedChat(
    ctx,
    ctx.match?.toString() ?? "",
    { ownerOnly: false, chatCacheSeconds: deps.chatCacheSeconds, usage: RECORDINGS_USAGE },
    deps,
  );
  if (!source.ok) return void (await replyToCommand(ctx, source.reply));
  const words = source.rest.split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() === "to") words.shift();
  const [word, ...extra] = words;
  const from = `«${source.chat.title}»`;
  if (word === undefined) {
    const current = await deps.recordingDestinations.get(source.chat.chatId);
    return void (await replyToCommand(
      ctx,
      current
        ? `Recordings of calls in ${from} are forwarded to «${current.title}». Change it with /recordings to @chat, or stop with /recordings off.`
        : `Recordings of calls in ${from} stay in the assistant's Saved Messages. To have them forwarded: /recordings to @yourarchive (or /recordings here).`,
    ));
  }
  if (extra.length > 0) return void (await replyToCommand(ctx, RECORDINGS_USAGE));
  if (word.toLowerCase() === "off") {
    await deps.recordingDestinations.clear(source.chat.chatId);
    return void (await replyToCommand(
      ctx,
      `✅ Recordings of calls in ${from} are no longer forwarded; they stay in the assistant's Saved Messages.`,
    ));
  }
  let destination = source.chat;
  if (word.toLowerCase() === "here") {
    if (ctx.chat?.type === "private")
      return void (await replyToCommand(
        ctx,
        "I cannot forward recordings into our private chat: name a group or channel of yours, like /recordings @yourgroup to @yourarchive.",
      ));
  } else {
    const named = await resolveNamedChat(
      ctx,
      word,
      { chatCacheSeconds: deps.chatCacheSeconds, usage: RECORDINGS_USAGE },
      deps,
    );
    if (!named.ok) return void (await replyToCommand(ctx, named.reply));
    // Checked afresh: a recording is the chat's content, and it must only reach someone's own chat.
    const rights = await deps.authorise(
      { chatId: named.chat.chatId, userId: ctx.from!.id, rtmp: false },
      { fresh: true },
    );
    if (!rights.ok) {
      return void (await replyToCommand(
        ctx,
        rights.reason === "not-admin" || rights.reason === "admin-without-video-chat-right"
          ? `I forward recordings only to a chat you control: you must be the owner of «${named.chat.title}», or an admin there with the "Manage video chats" right. Nothing was changed.`
          : describeRefusal(rights.reason, { chat: named.chat.title, botUsername: ctx.me.username }),
      ));
    }
    destination = named.chat;
  }
  if (!(await claimCommand(ctx, deps, "recordings"))) return;
  await deps.recordingDestinations.set(source.chat.chatId, destination);
  await replyToCommand(
    ctx,
    `✅ Recordings of calls in ${from} will be forwarded to «${destination.title}» when stopped with ⏹ Stop recording (in /calls) or /stoprecord. The assistant must be able to post there (in a channel: as an admin who may post messages).`,
  );
}
