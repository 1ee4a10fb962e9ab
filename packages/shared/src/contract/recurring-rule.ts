import { z } from "zod";
import { TargetChatSchema } from "./call-request.ts";

/**
 * Version 1 of a recurring call rule (`/newcall Weekly sync every monday 18:00`). The bot keeps
 * it as a BullMQ job scheduler on the calls queue (id = ruleId); each time the scheduler fires,
 * the worker creates the next occurrence as a Telegram scheduled call, ahead of time and inside
 * Telegram's 8-day window. Times are wall-clock times in `timeZone`, so a daylight-saving change
 * does not move the call.
 */
export const RecurringRuleSchema = z.object({
  v: z.literal(1),
  kind: z.literal("recurring-rule"),
  /** Also the job scheduler's id; no ':' (BullMQ). */
  ruleId: z.string().min(1).max(200),
  requester: z.object({ userId: z.number().int().positive(), chatId: z.number().int() }),
  target: TargetChatSchema,
  title: z.string().min(1).max(64).optional(),
  rtmp: z.boolean(),
  autostart: z.boolean(),
  /** ISO weekdays, 1 = Monday ... 7 = Sunday; at least one. */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  /** Local wall-clock time in timeZone. */
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  timeZone: z.string().min(1),
  /** How long before each occurrence its Telegram call is created (hours, 1..168). */
  leadHours: z.number().int().min(1).max(168),
  createdAt: z.number().int().positive(),
});
export type RecurringRule = z.infer<typeof RecurringRuleSchema>;
