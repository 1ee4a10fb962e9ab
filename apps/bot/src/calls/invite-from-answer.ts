import type { Context } from "grammy";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { callIn, type InCallCommandDeps, invitingText } from "./in-call-commands.ts";
import { parseInvitees } from "./parse-invitees.ts";
import { claimCommand, queueChatAction } from "./rename-and-rotate.ts";

/**
 * The answer to 👥 Invite's question: the @usernames typed, invited to the call the button was
 * on, as /invite would. The call must still be live and the person still allowed to manage it
 * (asked afresh: the question may be minutes old). False when the answer names nobody usable
 * (said, so the question can be asked again); true once it was taken up, whatever came of it.
 */
export async function inviteFromAnswer(
  ctx: Context,
  entryId: string,
  text: string,
  deps: InCallCommandDeps,
  say: (text: string) => Promise<void>,
): Promise<boolean> {
  const entry = await deps.registry.get(entryId);
  if (entry?.state !== "live" || entry.call === undefined) {
    await say("That call is no longer live, so I invited nobody. Send /calls for the chat's calls.");
    return true;
  }
  const rights = await deps.authorise(
    { chatId: entry.chatId, userId: ctx.from!.id, rtmp: false },
    { fresh: true },
  );
  if (!rights.ok) {
    await say(
      `Only the owner of «${entry.chatTitle}» or its admins with the "Manage video chats" right can invite people to its call. I invited nobody.`,
    );
    return true;
  }
  const parsed = parseInvitees(text, undefined, entry.chatId, ctx.me.id);
  if (!parsed.ok) {
    await say(parsed.reply ?? "Name the people to invite as @username, separated by spaces.");
    return false;
  }
  if (!(await claimCommand(ctx, deps, "invite-users"))) return true;
  const where = callIn(entry, entry.chatTitle);
  const ack = await replyToCommand(ctx, invitingText(parsed.invitees, where));
  await queueChatAction(ctx, deps, {
    action: "invite-users",
    chat: {
      chatId: entry.chatId,
      title: entry.chatTitle,
      ...(entry.chatUsername !== undefined && { username: entry.chatUsername }),
    },
    call: entry.call,
    invitees: parsed.invitees,
    ack: { chatId: ack.chat.id, messageId: ack.message_id },
  });
  return true;
}
