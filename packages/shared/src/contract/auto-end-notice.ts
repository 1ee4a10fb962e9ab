import { z } from "zod";

/**
 * A call with a set end (`/newcall Standup in 1h for 30m`) is about to be ended: the bot tells
 * the chat a few minutes before (the chat's /calendar notice setting). The bot puts this on the
 * results queue, its own inbox, as a delayed job when the call is created; it says nothing when
 * the call has ended (or was ended by hand) by then.
 */
export const AutoEndNoticeSchema = z.object({
  v: z.literal(1),
  kind: z.literal("auto-end-notice"),
  chatId: z.number().int().negative(),
  chatTitle: z.string(),
  callId: z.string().regex(/^-?\d+$/),
  title: z.string().optional(),
  /** Unix seconds the call is ended. */
  endAt: z.number().int().positive(),
  timeZone: z.string().min(1),
});
export type AutoEndNotice = z.infer<typeof AutoEndNoticeSchema>;
