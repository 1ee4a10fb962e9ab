import { setTimeout as sleep } from "node:timers/promises";
import { type CpuParticipants, snapshotCpu } from "./cpu-time.ts";

/** CPU ms per second each process used while nothing was asked of it; undefined where unreadable. */
export type IdleCpu = Record<"bot" | "worker" | "redis", number | undefined> & { seconds: number };

/**
 * What the bot, the worker and Redis cost with no traffic at all: timers, heartbeats, BullMQ's
 * blocking reads, the metrics' samplers. It is paid every second of a deployment's life, and at a
 * trickle of requests it is most of the CPU a request is charged with.
 */
export async function measureIdleCpu(participants: CpuParticipants, seconds: number): Promise<IdleCpu> {
  const before = await snapshotCpu(participants);
  await sleep(seconds * 1000);
  const after = await snapshotCpu(participants);
  const perSecond = (which: "bot" | "worker" | "redis") => {
    const a = before[which];
    const b = after[which];
    return a === undefined || b === undefined ? undefined : Math.round(((b - a) / seconds) * 10) / 10;
  };
  return { bot: perSecond("bot"), worker: perSecond("worker"), redis: perSecond("redis"), seconds };
}
