import { z } from "zod";

/**
 * Version 1 of an alert the worker sends to the bot on the results queue, for the operator:
 * the bot forwards it to every user in OWNER_IDS.
 */
export const WorkerAlertSchema = z.object({
  v: z.literal(1),
  kind: z.literal("worker-alert"),
  /** session-dead: the userbot's session was revoked or deactivated; the worker stopped taking jobs. */
  alert: z.enum(["session-dead"]),
  /** The Telegram error that told us, e.g. AUTH_KEY_UNREGISTERED. */
  errorName: z.string().min(1),
  /** Unix milliseconds. */
  at: z.number().int().positive(),
});
export type WorkerAlert = z.infer<typeof WorkerAlertSchema>;
