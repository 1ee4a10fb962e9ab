import { type MessageEntity, sortEntities } from "./message-entity.ts";

/**
 * The entities Telegram finds by itself in a user's plain text. bot_command matters most:
 * grammY's bot.command() matches on a bot_command entity at offset 0, not on the text.
 */
export function detectEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const patterns: Array<[string, RegExp]> = [
    ["bot_command", /(^|[\s(])(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@/])/g],
    ["mention", /(^|[^\w@/])(@[A-Za-z0-9_]{4,32})(?![A-Za-z0-9_])/g],
    ["url", /(^|[\s(])(https?:\/\/[^\s<>()]+)/g],
  ];
  for (const [type, pattern] of patterns) {
    for (const match of text.matchAll(pattern)) {
      const prefix = match[1] ?? "";
      const value = match[2] ?? "";
      found.push({ type, offset: (match.index ?? 0) + prefix.length, length: value.length });
    }
  }
  return sortEntities(found);
}
