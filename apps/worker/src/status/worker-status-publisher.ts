import {
  type UserbotIdentity,
  WORKER_STATUS_HEARTBEAT_MS,
  type WorkerStatus,
  writeWorkerStatus,
} from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface WorkerStatusPublisherDeps {
  redis: Pick<Redis, "set">;
  prefix: string;
  logger: Logger;
  now: () => number;
  /** Unix ms until which Telegram told the account to wait, or 0 (the worker's FloodGate). */
  floodWaitUntil: () => number;
  /** @defaultValue WORKER_STATUS_HEARTBEAT_MS */
  heartbeatMs?: number;
}

/**
 * Publishes this worker's state (the WorkerStatus contract) for the bot: "online" with a
 * heartbeat while jobs are taken, "session-dead" the moment Telegram revokes the session,
 * "stopped" on a clean stop. Session-dead is final for the process: neither the heartbeat nor
 * stop() overwrite it, since the session stays dead whatever this process does next.
 *
 * Writes go through one Redis connection, so they reach Redis in the order they are made: the
 * heartbeat's last "online" can never land after the "session-dead" that replaced it.
 */
export class WorkerStatusPublisher {
  private state: WorkerStatus["state"] | undefined;
  private identity: Pick<UserbotIdentity, "userId" | "username"> | undefined;
  private errorName: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WorkerStatusPublisherDeps) {}

  /** Logged in and taking jobs: renews "online" until session-dead or stopped. */
  async online(identity: Pick<UserbotIdentity, "userId" | "username">): Promise<void> {
    if (this.state === "session-dead") return;
    this.identity = identity;
    this.state = "online";
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(
      () => void this.publish(),
      this.deps.heartbeatMs ?? WORKER_STATUS_HEARTBEAT_MS,
    );
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
      await writeWorkerStatus(this.deps.redis, this.deps.prefix, status);
    } catch (error) {
      // Redis is down: the bot cannot read it either; the next heartbeat writes it again.
      this.deps.logger.warn({ err: error, state }, "could not publish the worker's state");
    }
  }
}
