import { TelegramRpcError, type WorldMessage } from "../../world/types.ts";
import type { BotApiMethod, BotApiState } from "../bot-api-context.ts";
import { badRequest, tooManyRequests } from "../bot-api-error.ts";
import { toBotApiMessage } from "../bot-api-shapes.ts";
import { assertBotInChat, assertBotMayWrite, botApiIdOfTarget, resolveChatTarget } from "../chat-access.ts";
import type { MessageEntity } from "../message-entity.ts";
import { formatMessageText } from "../message-text.ts";
import { validateReplyMarkup } from "../reply-markup.ts";
import type { RequestParams } from "../request-params.ts";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export const sendMessage: BotApiMethod = ({ world, rateLimiter }, { params }) => {
  const target = resolveChatTarget(world, params.chatId());
  assertBotMayWrite(world, target);
  const chatId = botApiIdOfTarget(world, target);
  const { text, entities } = formatMessageText(
    params.optString("text"),
    params.optString("parse_mode"),
    params.optJson<MessageEntity[]>("entities"),
  );
  const replyMarkup = validateReplyMarkup(params.optJson("reply_markup"));
  const replyTo = replyTarget(params);
  if (replyTo !== undefined && !world.getMessage(chatId, replyTo.messageId) && !replyTo.allowWithoutReply) {
    throw badRequest("message to be replied not found");
  }
  const retryAfter = rateLimiter?.check(chatId);
  if (retryAfter !== undefined) throw tooManyRequests(retryAfter);
  const message = world.postMessage({
    chatId,
    fromUserId: world.bot.id,
    // In a channel the bot posts as the channel.
    ...(target.kind === "chat" && target.chat.type === "channel" && { senderChatId: chatId }),
    text,
    entities,
    ...(replyMarkup !== undefined && { replyMarkup }),
    ...(replyTo && world.getMessage(chatId, replyTo.messageId) && { replyToMessageId: replyTo.messageId }),
  });
  return toBotApiMessage(world, message);
};

function replyTarget(params: RequestParams): { messageId: number; allowWithoutReply: boolean } | undefined {
  const parameters = params.optJson<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    "reply_parameters",
  );
  if (parameters?.message_id !== undefined) {
    return {
      messageId: parameters.message_id,
      allowWithoutReply: parameters.allow_sending_without_reply === true,
    };
  }
  const legacy = params.optInt("reply_to_message_id");
  if (legacy === undefined) return undefined;
  return { messageId: legacy, allowWithoutReply: params.optBool("allow_sending_without_reply") === true };
}

/** The message a bot may edit: its own, in a chat it can still reach. */
function editableMessage(state: BotApiState, params: RequestParams): WorldMessage {
  if (params.has("inline_message_id")) throw badRequest("inline messages are not supported by the sandbox");
  const { world } = state;
  const target = resolveChatTarget(world, params.chatId());
  if (target.kind === "chat") assertBotInChat(world, target.chat);
  const chatId = botApiIdOfTarget(world, target);
  const message = world.getMessage(chatId, params.int("message_id", "message identifier is not specified"));
  if (!message) throw badRequest("message to edit not found");
  if (message.fromUserId !== world.bot.id) throw badRequest("message can't be edited");
  return message;
}

function applyEdit(
  state: BotApiState,
  message: WorldMessage,
  changes: Parameters<BotApiState["world"]["editMessage"]>[2],
) {
  try {
    return toBotApiMessage(state.world, state.world.editMessage(message.chatId, message.id, changes));
  } catch (error) {
    if (error instanceof TelegramRpcError && error.errorMessage === "MESSAGE_NOT_MODIFIED")
      throw badRequest(NOT_MODIFIED);
    throw error;
  }
}

export const editMessageText: BotApiMethod = (state, { params }) => {
  const message = editableMessage(state, params);
  // Edits count against the same limits as sends (Telegram's bot FAQ, "broadcasting": limits
  // apply to messages; the fidelity review saw floods on edits too).
  const retryAfter = state.rateLimiter?.check(message.chatId);
  if (retryAfter !== undefined) throw tooManyRequests(retryAfter);
  const { text, entities } = formatMessageText(
    params.optString("text"),
    params.optString("parse_mode"),
    params.optJson<MessageEntity[]>("entities"),
  );
  // Without reply_markup an edit removes the inline keyboard, as in Telegram.
  const replyMarkup = validateReplyMarkup(params.optJson("reply_markup")) ?? null;
  return applyEdit(state, message, { text, entities, replyMarkup });
};

export const editMessageReplyMarkup: BotApiMethod = (state, { params }) => {
  const message = editableMessage(state, params);
  const replyMarkup = validateReplyMarkup(params.optJson("reply_markup")) ?? null;
  return applyEdit(state, message, { replyMarkup });
};

export const deleteMessage: BotApiMethod = ({ world }, { params }) => {
  const target = resolveChatTarget(world, params.chatId());
  if (target.kind === "chat") assertBotInChat(world, target.chat);
  const chatId = botApiIdOfTarget(world, target);
  const message = world.getMessage(chatId, params.int("message_id", "message identifier is not specified"));
  if (!message) throw badRequest("message to delete not found");
  const own = message.fromUserId === world.bot.id;
  const botRole = target.kind === "chat" ? world.memberRole(target.chat.id, world.bot.id) : undefined;
  const mayDeleteOthers =
    target.kind === "private" ||
    botRole?.status === "owner" ||
    (botRole?.status === "admin" && botRole.rights.deleteMessages === true);
  if (!own && !mayDeleteOthers) throw badRequest("message can't be deleted");
  world.deleteMessage(chatId, message.id);
  return true;
};
