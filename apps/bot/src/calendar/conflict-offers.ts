import { randomBytes } from "node:crypto";
import { TargetChatSchema } from "@callbot/shared";
import { InlineKeyboard } from "grammy";
import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * A conflict's question: the call that was asked for (not planned, not queued) and the start
 * "Plan after it" proposes. Kept in Redis under a short random token the buttons carry, for
 * CONFLICT_OFFER_SECONDS: <prefix>:bot:calendar:offer:<token>.
 */
export const ConflictOfferSchema = z.object({
  requestId: z.string().min(1),
  requester: z.object({
    userId: z.number().int().positive(),
    chatId: z.number().int(),
    messageId: z.number().int().positive(),
  }),
  target: TargetChatSchema,
  title: z.string().optional(),
  scheduleDate: z.number().int().positive(),
  endAt: z.number().int().positive().optional(),
  rtmp: z.boolean(),
  autostart: z.boolean(),
  timeZone: z.string().min(1),
  /** The start "Plan after it" gives the call. */
  proposal: z.number().int().positive(),
  /** A move of an existing plan, rather than a new call. */
  movePlanId: z.string().optional(),
});
export type ConflictOffer = z.infer<typeof ConflictOfferSchema>;

export const CONFLICT_OFFER_SECONDS = 15 * 60;
const DATA = /^cf:([ax]):([A-Za-z0-9_-]{1,16})$/;

const offerKey = (prefix: string, token: string) => `${prefix}:bot:calendar:offer:${token}`;

export async function saveConflictOffer(redis: Redis, prefix: string, offer: ConflictOffer): Promise<string> {
  const token = randomBytes(6).toString("base64url");
  await redis.set(
    offerKey(prefix, token),
    JSON.stringify(ConflictOfferSchema.parse(offer)),
    "EX",
    CONFLICT_OFFER_SECONDS,
  );
  return token;
}

/** The offer, used up atomically (GETDEL): of two presses only one gets it. */
export async function takeConflictOffer(
  redis: Redis,
  prefix: string,
  token: string,
): Promise<ConflictOffer | undefined> {
  const raw = await redis.getdel(offerKey(prefix, token));
  if (raw === null) return undefined;
  const parsed = ConflictOfferSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** Puts an offer back (a press by someone not allowed must not use it up). */
export async function restoreConflictOffer(
  redis: Redis,
  prefix: string,
  token: string,
  offer: ConflictOffer,
) {
  await redis.set(offerKey(prefix, token), JSON.stringify(offer), "EX", CONFLICT_OFFER_SECONDS);
}

export function conflictKeyboard(token: string, hasProposal: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (hasProposal) keyboard.text("Plan after it", `cf:a:${token}`);
  return keyboard.text("Cancel", `cf:x:${token}`);
}

export function decodeConflictPress(data: string): { choice: "after" | "cancel"; token: string } | undefined {
  const match = DATA.exec(data);
  if (!match) return undefined;
  return { choice: match[1] === "a" ? "after" : "cancel", token: match[2]! };
}
