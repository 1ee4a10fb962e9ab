import { readFile } from "node:fs/promises";

/**
 * A process's peak resident set size in bytes: VmHWM ("high water mark") from /proc/<pid>/status,
 * which the kernel keeps for the process's whole life, so one read at the end is enough.
 * Linux only; undefined where /proc is missing or the process is gone.
 */
export async function readPeakRssBytes(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
