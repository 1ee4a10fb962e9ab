import { z } from "zod";

/**
 * Version 1 of an alert the worker sends to the bot on the results queue, for the operator:
 * the bot forwards it to every user in OWNER_IDS.
 */
export const WorkerAlertSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal("worker-alert"),
    /**
     * - session-dead: the userbot's session was revoked or deactivated; the worker stopped taking jobs;
     * - account-lock-lost: the worker's lock on the Telegram account vanished from Redis (a Redis
     *   restart without persistence, a failover, a deleted key) or was taken by another worker;
     *   `lockOutcome` says what the worker did about it.
     */
    alert: z.enum(["session-dead", "account-lock-lost"]),
    /** For session-dead: the Telegram error that told us, e.g. AUTH_KEY_UNREGISTERED. */
    errorName: z.string().min(1).optional(),
    /**
     * For account-lock-lost: "retaken" (nobody else held it; the worker took it back before
     * sending anything more and carries on) or "stopped" (another worker holds it, or Redis could
     * not confirm it in time: this worker disconnected from Telegram and exited).
     */
    lockOutcome: z.enum(["retaken", "stopped"]).optional(),
    /** Unix milliseconds. */
    at: z.number().int().positive(),
  })
  .refine((alert) => alert.alert !== "session-dead" || alert.errorName !== undefined, {
    message: "a session-dead alert names the Telegram error",
    path: ["errorName"],
  })
  .refine((alert) => alert.alert !== "account-lock-lost" || alert.lockOutcome !== undefined, {
    message: "an account-lock-lost alert says whether the lock was retaken",
    path: ["lockOutcome"],
  });
export type WorkerAlert = z.infer<typeof WorkerAlertSchema>;
