import { TargetChatSchema } from "@callbot/shared";
import { z } from "zod";

/**
 * A call in the bot's own calendar: one that Telegram cannot hold yet (more than its lead ahead,
 * or the chat's one slot taken), kept until it is created in Telegram.
 *
 * - planned: waiting; its create-call job sits delayed in the calls queue (`jobId`).
 * - created: Telegram has it (`callId`); from here on it is an ordinary call in /calls.
 * - failed: it could not be created when due; its maker was told why and what to do.
 * - cancelled: removed by someone allowed to manage the chat's calls.
 */
export const PlannedCallStateSchema = z.enum(["planned", "created", "failed", "cancelled"]);
export type PlannedCallState = z.infer<typeof PlannedCallStateSchema>;

export const PlannedCallSchema = z.object({
  v: z.literal(1),
  /** Short ("p" + base 36), for commands (/moveplan p3 …) and 64-byte callback data. */
  id: z.string().regex(/^p[0-9a-z]{1,10}$/),
  state: PlannedCallStateSchema,
  target: TargetChatSchema,
  title: z.string().min(1).max(64).optional(),
  /** Unix seconds the call starts. */
  scheduleDate: z.number().int().positive(),
  /** Unix seconds it is ended by itself (a set end), if any. */
  endAt: z.number().int().positive().optional(),
  rtmp: z.boolean(),
  autostart: z.boolean(),
  /** Who planned it, and the chat they planned it from (where its reports go). */
  requester: z.object({ userId: z.number().int().positive(), chatId: z.number().int() }),
  timeZone: z.string().min(1),
  /** Unix ms it is created in Telegram (its start minus the chat's lead), by the bot's clock. */
  dueAt: z.number().int().positive(),
  /** The create-call job in the calls queue (plannedJobId). */
  jobId: z.string().min(1),
  /** Unix ms. */
  createdAt: z.number().int().positive(),
  /** Once created. */
  callId: z.string().optional(),
  /** Catalogue name of why it could not be created, or "SLOT_BUSY". */
  failure: z.string().optional(),
});
export type PlannedCall = z.infer<typeof PlannedCallSchema>;

/** What a calendar change was; listeners (announcements, reminders) follow planned calls by these. */
export type CalendarEvent =
  | { kind: "planned"; call: PlannedCall }
  | { kind: "moved"; call: PlannedCall; from: number }
  | { kind: "renamed"; call: PlannedCall }
  | { kind: "cancelled"; call: PlannedCall }
  | { kind: "created"; call: PlannedCall }
  | { kind: "failed"; call: PlannedCall };

/** The chat's lead as the default says: as early as Telegram allows (8 days), less a margin for the queue. */
export const TELEGRAM_WINDOW_MARGIN_SECONDS = 5 * 60;
