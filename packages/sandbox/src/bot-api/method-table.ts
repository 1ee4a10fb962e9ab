import type { BotApiMethod } from "./bot-api-context.ts";
import * as botProfile from "./methods/bot-profile.ts";
import * as callbackAnswers from "./methods/callback-answers.ts";
import * as chats from "./methods/chats.ts";
import * as messages from "./methods/messages.ts";
import * as pins from "./methods/pins.ts";
import * as updates from "./methods/updates.ts";

const METHODS: Record<string, BotApiMethod> = {
  ...botProfile,
  ...updates,
  ...messages,
  ...pins,
  ...callbackAnswers,
  ...chats,
};

/** Telegram matches method names case-insensitively. */
const BY_LOWER_NAME = new Map(
  Object.entries(METHODS).map(([name, fn]) => [name.toLowerCase(), { name, fn }]),
);

export function findMethod(name: string): { name: string; fn: BotApiMethod } | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
