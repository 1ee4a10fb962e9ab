import { Composer, type Context } from "grammy";
import type { FollowChatMigration } from "../chats/follow-chat-migration.ts";

/**
 * The service message Telegram posts in a basic group when it becomes a supergroup
 * (Message.migrate_to_chat_id): every bot in the group receives it, whatever its privacy mode.
 */
export function createChatMigrationFeature(follow: FollowChatMigration): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on("message:migrate_to_chat_id", async (ctx) => {
    await follow(ctx.chat.id, ctx.msg.migrate_to_chat_id);
  });
  return feature;
}
