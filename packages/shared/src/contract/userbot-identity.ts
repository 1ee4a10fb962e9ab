import { z } from "zod";

/**
 * The worker publishes who it is logged in as, so that the bot can name the assistant
 * account in /help and in error messages without a setting of its own and without asking
 * Telegram. Key: `${prefix}:userbot-identity` in Redis (prefix = the BullMQ prefix).
 */
export const UserbotIdentitySchema = z.object({
  userId: z.number().int().positive(),
  username: z.string().min(1).optional(),
  firstName: z.string(),
  /** Unix milliseconds of the worker's start. */
  since: z.number().int().positive(),
});
export type UserbotIdentity = z.infer<typeof UserbotIdentitySchema>;

export function userbotIdentityKey(prefix: string): string {
  return `${prefix}:userbot-identity`;
}
