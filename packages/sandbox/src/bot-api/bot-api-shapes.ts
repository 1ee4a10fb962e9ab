import type { MemberRole, WorldChat, WorldDocument, WorldMessage, WorldUser } from "../world/types.ts";
import type { World } from "../world/world.ts";
import { rightsToBotApi } from "./admin-rights-mapping.ts";

/** The placeholder user Telegram puts in `from` when an anonymous admin writes as the group. */
export const GROUP_ANONYMOUS_BOT = {
  id: 1087968824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
} as const;

export function toBotApiUser(user: WorldUser): Record<string, unknown> {
  return {
    id: user.id,
    is_bot: user.isBot === true,
    first_name: user.firstName,
    ...(user.lastName !== undefined && { last_name: user.lastName }),
    ...(user.username !== undefined && { username: user.username }),
  };
}

export function toBotApiChat(world: World, chat: WorldChat): Record<string, unknown> {
  return {
    id: world.botApiIdOf(chat),
    type: chat.type,
    title: chat.title,
    ...(chat.username !== undefined && { username: chat.username }),
  };
}

export function toBotApiPrivateChat(user: WorldUser): Record<string, unknown> {
  return {
    id: user.id,
    type: "private",
    first_name: user.firstName,
    ...(user.lastName !== undefined && { last_name: user.lastName }),
    ...(user.username !== undefined && { username: user.username }),
  };
}

/** The Chat object for a Bot API chat id (negative: a group or channel; positive: a private chat). */
export function chatObjectFor(world: World, chatId: number): Record<string, unknown> {
  if (chatId > 0) {
    const user = world.getUser(chatId);
    return user ? toBotApiPrivateChat(user) : { id: chatId, type: "private", first_name: "" };
  }
  const chat = world.chatByBotApiId(chatId);
  return chat ? toBotApiChat(world, chat) : { id: chatId, type: "supergroup", title: "" };
}

export function toBotApiMessage(world: World, message: WorldMessage, depth = 0): Record<string, unknown> {
  const chat = chatObjectFor(world, message.chatId);
  const out: Record<string, unknown> = { message_id: message.id };
  const fromUser = message.fromUserId === undefined ? undefined : world.getUser(message.fromUserId);
  if (message.senderChatId !== undefined) {
    // Channel posts carry no `from`; anonymous admins show the placeholder bot.
    if (chat.type !== "channel") out.from = { ...GROUP_ANONYMOUS_BOT };
    out.sender_chat = chatObjectFor(world, message.senderChatId);
  } else if (fromUser) {
    out.from = toBotApiUser(fromUser);
  }
  out.chat = chat;
  out.date = message.date;
  if (message.editHistory.length > 0) out.edit_date = message.date;
  if (message.replyToMessageId !== undefined && depth === 0) {
    const replied = world.getMessage(message.chatId, message.replyToMessageId);
    if (replied) out.reply_to_message = toBotApiMessage(world, replied, depth + 1);
  }
  if (message.forwardedFrom !== undefined) {
    const original = world.getUser(message.forwardedFrom.userId);
    out.forward_origin = {
      type: "user",
      ...(original && { sender_user: toBotApiUser(original) }),
      date: message.forwardedFrom.date,
    };
  }
  if (message.text !== undefined) out.text = message.text;
  if (message.document !== undefined) Object.assign(out, documentToBotApi(message.document));
  if (message.entities && message.entities.length > 0) out.entities = message.entities;
  if (message.replyMarkup !== undefined) out.reply_markup = message.replyMarkup;
  const service = message.service;
  if (service?.kind === "video_chat_scheduled") out.video_chat_scheduled = { start_date: service.startDate };
  if (service?.kind === "video_chat_started") out.video_chat_started = {};
  if (service?.kind === "video_chat_ended") out.video_chat_ended = { duration: service.duration };
  if (service?.kind === "migrate_to_chat_id") out.migrate_to_chat_id = service.chatId;
  if (service?.kind === "migrate_from_chat_id") out.migrate_from_chat_id = service.chatId;
  if (service?.kind === "chat_shared") {
    out.chat_shared = {
      request_id: service.requestId,
      chat_id: service.chatId,
      ...(service.title !== undefined && { title: service.title }),
      ...(service.username !== undefined && { username: service.username }),
    };
  }
  if (service?.kind === "video_chat_participants_invited") {
    out.video_chat_participants_invited = {
      users: service.userIds.flatMap((id) => {
        const user = world.getUser(id);
        return user ? [toBotApiUser(user)] : [];
      }),
    };
  }
  return out;
}

/**
 * A recording as the Bot API shows it: `audio` or `video` (api:#audio, api:#video). file_id and
 * file_unique_id derive from the document id; nothing can download them from the sandbox.
 */
function documentToBotApi(document: WorldDocument): Record<string, unknown> {
  const file = {
    file_id: `sandbox-${document.kind}-${document.id}`,
    file_unique_id: `u${document.id}`,
    duration: document.durationSeconds,
    mime_type: document.mimeType,
    file_size: document.size,
    file_name: document.fileName,
  };
  if (document.kind === "video") {
    return { video: { ...file, width: document.width ?? 0, height: document.height ?? 0 } };
  }
  return { audio: { ...file, ...(document.title !== undefined && { title: document.title }) } };
}

/** ChatMember in its Bot API variants: creator, administrator, member, left, kicked. */
export function toBotApiChatMember(
  chat: WorldChat,
  user: WorldUser,
  role: MemberRole | undefined,
): Record<string, unknown> {
  const base = { user: toBotApiUser(user) };
  switch (role?.status) {
    case "owner":
      return { ...base, status: "creator", is_anonymous: role.anonymous === true };
    case "admin":
      return {
        ...base,
        status: "administrator",
        // Only the admin who promoted someone may edit them; the sandbox's bot promotes nobody at start.
        can_be_edited: false,
        ...rightsToBotApi(role.rights, chat.type),
      };
    case "member":
      return { ...base, status: "member" };
    case "restricted":
      // The sandbox knows no per-permission detail: a restricted member may not send anything.
      return {
        ...base,
        status: "restricted",
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case "banned":
      return { ...base, status: "kicked", until_date: 0 };
    default:
      return { ...base, status: "left" };
  }
}
