import { randomBytes } from "node:crypto";
import {
  type CreateCallRequest,
  CreateCallRequestSchema,
  type ExistingCall,
  ExistingCallSchema,
} from "@callbot/shared";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { RegistryKeys } from "../calls-registry/registry-keys.ts";

/**
 * A Replace it / Keep it question: the request the worker did not carry out because the chat
 * already has a call (Telegram allows one per chat, and a create would end it for everyone), and
 * that call. Kept in Redis under a short random token that the buttons carry.
 */
export const ReplaceOfferSchema = z.object({
  request: CreateCallRequestSchema,
  existing: ExistingCallSchema,
});
export type ReplaceOffer = z.infer<typeof ReplaceOfferSchema>;

/** How long the question can be answered; after that the user sends the command again. */
export const REPLACE_OFFER_SECONDS = 15 * 60;

const DATA = /^rp:([rk]):([A-Za-z0-9_-]{1,16})$/;

export async function saveReplaceOffer(
  redis: Redis,
  keys: Pick<RegistryKeys, "replaceOffer">,
  request: CreateCallRequest,
  existing: ExistingCall,
): Promise<string> {
  const token = randomBytes(6).toString("base64url");
  const offer: ReplaceOffer = { request, existing };
  await redis.set(keys.replaceOffer(token), JSON.stringify(offer), "EX", REPLACE_OFFER_SECONDS);
  return token;
}

/** The offer, without using it up (a refused press leaves it for someone allowed). */
export async function readReplaceOffer(
  redis: Redis,
  keys: Pick<RegistryKeys, "replaceOffer">,
  token: string,
): Promise<ReplaceOffer | undefined> {
  const raw = await redis.get(keys.replaceOffer(token));
  if (raw === null) return undefined;
  const parsed = ReplaceOfferSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** Uses the offer up, atomically: of two presses only one gets true. */
export async function claimReplaceOffer(
  redis: Redis,
  keys: Pick<RegistryKeys, "replaceOffer">,
  token: string,
): Promise<boolean> {
  return (await redis.del(keys.replaceOffer(token))) === 1;
}

/** The two buttons; callback_data "rp:<r|k>:<token>", 13 bytes. */
export function replaceKeyboard(token: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [
        { text: "Replace it", callback_data: `rp:r:${token}` },
        { text: "Keep it", callback_data: `rp:k:${token}` },
      ],
    ],
  };
}

export function decodeReplacePress(data: string): { choice: "replace" | "keep"; token: string } | undefined {
  const match = DATA.exec(data);
  if (!match) return undefined;
  return { choice: match[1] === "r" ? "replace" : "keep", token: match[2]! };
}
