import { readFile } from "node:fs/promises";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; undefined
 * where /proc is missing or the process is gone. Unlike rates and latencies, CPU per request
 * hardly depends on what else runs on the machine, so it tells what a free machine could do.
 */
export async function readCpuMs(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces; fields after its closing ")" are plain.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** The processes whose CPU a phase is charged with; the bench's own (sandbox included) is process.cpuUsage(). */
export interface CpuParticipants {
  bot: number;
  worker: number;
  /** Redis's pid when it runs on this machine (INFO server process_id), else undefined. */
  redis: number | undefined;
}

export type CpuSnapshot = Record<"bot" | "worker" | "redis" | "sandboxAndBench", number | undefined>;

export async function snapshotCpu(participants: CpuParticipants): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  return {
    bot: await readCpuMs(participants.bot),
    worker: await readCpuMs(participants.worker),
    redis: participants.redis === undefined ? undefined : await readCpuMs(participants.redis),
    sandboxAndBench: (own.user + own.system) / 1000,
  };
}

/** CPU ms per request between two snapshots, per process and in total. */
export function cpuPerRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): CpuSnapshot & { total: number | undefined } {
  const per = (key: keyof CpuSnapshot) => {
    const a = before[key];
    const b = after[key];
    return a === undefined || b === undefined || requests === 0 ? undefined : round2((b - a) / requests);
  };
  const parts = {
    bot: per("bot"),
    worker: per("worker"),
    redis: per("redis"),
    sandboxAndBench: per("sandboxAndBench"),
  };
  const values = Object.values(parts);
  const total = values.every((v) => v !== undefined)
    ? round2(values.reduce((s, v) => s! + v!, 0)!)
    : undefined;
  return { ...parts, total };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
