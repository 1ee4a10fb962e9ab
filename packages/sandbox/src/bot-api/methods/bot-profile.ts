import type { BotApiMethod } from "../bot-api-context.ts";
import { badRequest } from "../bot-api-error.ts";
import type { BotCommand } from "../bot-commands.ts";

export const getMe: BotApiMethod = ({ world }) => ({
  id: world.bot.id,
  is_bot: true,
  first_name: world.bot.firstName,
  username: world.bot.username,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

export const setMyCommands: BotApiMethod = ({ commands }, { params }) => {
  const list = params.optJson<BotCommand[]>("commands");
  if (!Array.isArray(list)) throw badRequest("commands must be an array");
  for (const entry of list) {
    if (!/^[a-z0-9_]{1,32}$/.test(entry?.command ?? "")) throw badRequest("BOT_COMMAND_INVALID");
    if (
      typeof entry.description !== "string" ||
      entry.description.length < 1 ||
      entry.description.length > 256
    ) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  commands.set(
    params.optJson("scope"),
    params.optString("language_code"),
    list.map(({ command, description }) => ({ command, description })),
  );
  return true;
};

export const getMyCommands: BotApiMethod = ({ commands }, { params }) =>
  commands.get(params.optJson("scope"), params.optString("language_code"));

export const deleteMyCommands: BotApiMethod = ({ commands }, { params }) => {
  commands.delete(params.optJson("scope"), params.optString("language_code"));
  return true;
};
