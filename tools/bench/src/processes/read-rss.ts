import { readFile } from "node:fs/promises";

/**
 * A process's resident memory in bytes from /proc/<pid>/status: VmRSS (now) or VmHWM (the peak
 * over the process's whole life, kept by the kernel, so one read at the end is enough).
 * Linux only; undefined where /proc is missing or the process is gone.
 */
export async function readRssBytes(pid: number, field: "VmRSS" | "VmHWM"): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
