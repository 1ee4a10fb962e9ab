import {
  type AssistantEntry,
  onlineAssistants,
  readAssistantRegistry,
  type UserbotIdentity,
  WORKER_STATUS_HEARTBEAT_MS,
  type WorkerStatus,
  writeAssistantEntry,
  writeWorkerStatus,
} from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface WorkerStatusPublisherDeps {
  redis: Pick<Redis, "set" | "multi" | "smembers" | "mget">;
  prefix: string;
  logger: Logger;
  now: () => number;
  /** Unix ms until which Telegram told the account to wait, or 0 (the worker's FloodGate). */
  floodWaitUntil: () => number;
  /** @defaultValue WORKER_STATUS_HEARTBEAT_MS */
  heartbeatMs?: number;
  /** Jobs this worker runs now, published as the account's current work. @defaultValue none */
  running?: () => number;
}

/**
 * Publishes this worker's state (the WorkerStatus contract) for the bot: "online" with a
 * heartbeat while jobs are taken, "session-dead" the moment Telegram revokes the session,
 * "stopped" on a clean stop. Session-dead is final for the process: neither the heartbeat nor
 * stop() overwrite it, since the session stays dead whatever this process does next.
 *
 * The same state goes into this account's entry of the assistant registry (assistant-registry.ts
 * in @callbot/shared), with its current work, so that several accounts can share one deployment;
 * an "online" entry lives three heartbeats, so a worker that died disappears from it by itself.
 * The single WorkerStatus key says what the deployment can do, for the bot's "offline" answer
 * (and a bot of the previous release): a worker writes "session-dead" or "stopped" there only
 * when no other account is online, since the others still take the work.
 *
 * Writes go through one Redis connection, so they reach Redis in the order they are made: the
 * heartbeat's last "online" can never land after the "session-dead" that replaced it.
 */
export class WorkerStatusPublisher {
  private state: WorkerStatus["state"] | undefined;
  private identity: Pick<UserbotIdentity, "userId" | "username" | "firstName"> | undefined;
  private errorName: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WorkerStatusPublisherDeps) {}

  /** Logged in and taking jobs: renews "online" until session-dead or stopped. */
  async online(identity: Pick<UserbotIdentity, "userId" | "username" | "firstName">): Promise<void> {
    if (this.state === "session-dead") return;
    this.identity = identity;
    this.state = "online";
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void this.publish(), this.heartbeatMs());
    // A heartbeat must never keep the process alive on its own.
    this.heartbeat.unref();
    await this.publish();
  }

  /** The state last set (published or not); undefined before the worker went online. */
  current(): WorkerStatus["state"] | undefined {
    return this.state;
  }

  /** Publishes now (e.g. when a flood wait starts), rather than at the next heartbeat. */
  async refresh(): Promise<void> {
    if (this.state === "online") await this.publish();
  }

  async sessionDead(errorName: string): Promise<void> {
    this.stopHeartbeat();
    if (this.state === "session-dead") return;
    this.state = "session-dead";
    this.errorName = errorName;
    await this.publish();
  }

  async stopped(): Promise<void> {
    this.stopHeartbeat();
    if (this.state !== "online") return;
    this.state = "stopped";
    await this.publish();
  }

  private async othersOnline(): Promise<boolean> {
    const view = await readAssistantRegistry(this.deps.redis, this.deps.prefix);
    return onlineAssistants(view).some((entry) => entry.accountId !== this.identity?.userId);
  }

  private heartbeatMs(): number {
    return this.deps.heartbeatMs ?? WORKER_STATUS_HEARTBEAT_MS;
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async publish(): Promise<void> {
    const state = this.state;
    if (state === undefined) return;
    const floodWaitUntil = this.deps.floodWaitUntil();
    const status: WorkerStatus = {
      v: 1,
      state,
      ...(this.identity !== undefined && { accountId: this.identity.userId }),
      ...(this.identity?.username !== undefined && { username: this.identity.username }),
      ...(state === "session-dead" && this.errorName !== undefined && { errorName: this.errorName }),
      ...(state === "online" && floodWaitUntil > this.deps.now() && { floodWaitUntil }),
      updatedAt: this.deps.now(),
    };
    try {
      if (state === "online" || !(await this.othersOnline())) {
        await writeWorkerStatus(this.deps.redis, this.deps.prefix, status);
      }
      if (this.identity !== undefined) {
        const entry: AssistantEntry = {
          v: 1,
          accountId: this.identity.userId,
          ...(this.identity.username !== undefined && { username: this.identity.username }),
          firstName: this.identity.firstName,
          state,
          ...(status.errorName !== undefined && { errorName: status.errorName }),
          ...(status.floodWaitUntil !== undefined && { floodWaitUntil: status.floodWaitUntil }),
          running: this.deps.running?.() ?? 0,
          updatedAt: status.updatedAt,
        };
        await writeAssistantEntry(this.deps.redis, this.deps.prefix, entry, 3 * this.heartbeatMs());
      }
    } catch (error) {
      // Redis is down: the bot cannot read it either; the next heartbeat writes it again.
      this.deps.logger.warn({ err: error, state }, "could not publish the worker's state");
    }
  }
}
