import { setTimeout as sleep } from "node:timers/promises";
import { type CpuParticipants, readCpuMs } from "./cpu-time.ts";

/** CPU ms per second each process used while nothing was asked of it; undefined where unreadable. */
export type IdleCpu = Record<"bot" | "worker" | "redis", number | undefined> & { seconds: number };

/**
 * What the bot, the worker and Redis cost with no traffic at all: timers, heartbeats, BullMQ's
 * blocking reads, the metrics' samplers. It is paid every second of a deployment's life, and at a
 * trickle of requests it is most of the CPU a request is charged with.
 */
export async function measureIdleCpu(participants: CpuParticipants, seconds: number): Promise<IdleCpu> {
  const read = (pid: number | undefined) => (pid === undefined ? undefined : readCpuMs(pid));
  const before = await Promise.all([
    read(participants.bot),
    read(participants.worker),
    read(participants.redis),
  ]);
  await sleep(seconds * 1000);
  const after = await Promise.all([
    read(participants.bot),
    read(participants.worker),
    read(participants.redis),
  ]);
  const perSecond = (i: number) => {
    const a = before[i];
    const b = after[i];
    return a === undefined || b === undefined ? undefined : Math.round(((b - a) / seconds) * 10) / 10;
  };
  return { bot: perSecond(0), worker: perSecond(1), redis: perSecond(2), seconds };
}
