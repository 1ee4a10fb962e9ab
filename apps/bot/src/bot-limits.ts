import { parseRedisAddress } from "@callbot/shared";

/** Tunable limits of the bot; defaults are for production, tests shorten them. */
export interface BotLimits {
  /** /newcall commands a user may send per window before "slow down". @defaultValue 5 */
  newCallsPerWindow: number;
  /** @defaultValue 60_000 */
  newCallWindowMs: number;
  /**
   * Commands, button presses and private messages (all of them together) a user may send per
   * window; /newcall's own limit applies on top. @defaultValue 30
   */
  updatesPerWindow: number;
  /** @defaultValue 60_000 */
  updateWindowMs: number;
  /** After a request for a chat is accepted, further ones for that chat are refused this long. @defaultValue 10 */
  chatCooldownSeconds: number;
  /** How long a getChatMember answer is trusted. @defaultValue 60 */
  memberCacheSeconds: number;
  /** How long a getChat answer is trusted. @defaultValue 600 */
  chatCacheSeconds: number;
  /** Upper bound for adding a job before the user is told it could not be queued. @defaultValue 1500 */
  queueTimeoutMs: number;
  /**
   * How long a handled command is remembered so that a replayed update is ignored. Telegram keeps
   * unconfirmed updates for 24 hours. @defaultValue 172_800 (48 h)
   */
  replayClaimSeconds: number;
  /** A guided /newcall (private chat, no arguments) ends after this long without an answer. @defaultValue 300_000 */
  guidedFlowTimeoutMs: number;
  /**
   * How long before each occurrence of a recurring call its Telegram call is created. At most 168
   * (the rule's schema), inside Telegram's 8-day scheduling window. @defaultValue 24
   */
  recurringLeadHours: number;
  /**
   * A planned call's job (the calendar) is delayed at most this long at a time: it wakes, compares
   * with the clock, and waits again until it is due (the worker's plannedHopMs). @defaultValue 3_600_000
   */
  plannedHopMs: number;
  /** How long a minute of the reminder lead (/announce remind N) is; tests shorten it. @defaultValue 60_000 */
  reminderMinuteMs: number;
  /** Reminder messages per second over all subscribers (BullMQ's limiter; Telegram allows ~30). @defaultValue 25 */
  reminderSendsPerSecond: number;
  /**
   * An add that ended unclearly (connection lost mid-command, a failover) is looked for this long,
   * while the user still reads "Queued", before the answer says it is not known. @defaultValue 10_000
   */
  queueConfirmMs: number;
  /** After "not known", the job is looked for this long more, and the answer edited by what is found. @defaultValue 1_800_000 (30 min) */
  queueConfirmLaterMs: number;
  /**
   * Replicas that must have a job (Redis WAIT) before its add counts as done; 0: no WAIT. startBot
   * sets 1 for a `redis+sentinel://` REDIS_URL (README, "Redis Sentinel"). @defaultValue 0
   */
  replicaAcks: number;
  /**
   * The WAIT's timeout; past it the job counts as queued anyway (the master has it). Short, since
   * WAIT holds the bot's whole connection (every command behind it) while a replica is slow or down.
   * @defaultValue 250
   */
  replicaAckTimeoutMs: number;
}

export const DEFAULT_BOT_LIMITS: BotLimits = {
  newCallsPerWindow: 5,
  newCallWindowMs: 60_000,
  updatesPerWindow: 30,
  updateWindowMs: 60_000,
  chatCooldownSeconds: 10,
  memberCacheSeconds: 60,
  chatCacheSeconds: 600,
  queueTimeoutMs: 1_500,
  replayClaimSeconds: 48 * 60 * 60,
  guidedFlowTimeoutMs: 5 * 60_000,
  recurringLeadHours: 24,
  plannedHopMs: 60 * 60_000,
  reminderMinuteMs: 60_000,
  reminderSendsPerSecond: 25,
  queueConfirmMs: 10_000,
  queueConfirmLaterMs: 30 * 60_000,
  replicaAcks: 0,
  replicaAckTimeoutMs: 250,
};

/**
 * The limits a replicated Redis changes: with a `redis+sentinel://` REDIS_URL each job add waits
 * (WAIT) until one replica has it, so that a failover right after the add promotes a replica that
 * has the job (Sentinel promotes the most up-to-date one; best effort, Redis's WAIT page), and a
 * failover during the WAIT is found out and looked into (README, "Redis Sentinel"). A single
 * server has no replica to wait for; a cluster is not covered.
 */
export function replicatedRedisLimits(redisUrl: string): Partial<BotLimits> {
  return parseRedisAddress(redisUrl).kind === "sentinel" ? { replicaAcks: 1 } : {};
}
