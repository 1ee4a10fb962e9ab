// A preload for finding where a product process's memory goes during a bench run:
//   pnpm bench -- --phases=max,soak --node-flags="--import=./tools/bench/diagnostics/memory-probe.mjs"
// Every MEMORY_PROBE_MS (default 5000) it appends one JSON line to
// $MEMORY_PROBE_DIR/<pid>.jsonl (default the OS temp dir): process.memoryUsage(), V8's heap
// statistics and each heap space (new, old, code, large objects), and RssAnon/RssFile from
// /proc/self/status. With MEMORY_PROBE_SNAPSHOT_MB, the first time heapUsed passes that many MB
// it also writes a heap snapshot (live objects only: V8 collects first) beside it.
// Why a preload and not --inspect: it needs no debugger port, and the bench passes node flags
// through as they are (the bench's own readings, VmRSS and VmHWM, stay comparable).
import { appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from "node:v8";

const dir = process.env.MEMORY_PROBE_DIR ?? tmpdir();
const out = join(dir, `${process.pid}.jsonl`);
const everyMs = Number(process.env.MEMORY_PROBE_MS ?? 5000);
const snapshotMb = Number(process.env.MEMORY_PROBE_SNAPSHOT_MB ?? Number.POSITIVE_INFINITY);
const MB = 1024 * 1024;

function rssParts() {
  const parts = {};
  try {
    for (const line of readFileSync("/proc/self/status", "utf8").split("\n")) {
      const match = /^(VmRSS|RssAnon|RssFile):\s+(\d+) kB$/.exec(line);
      if (match) parts[match[1]] = Number(match[2]) * 1024;
    }
  } catch {
    // Not Linux: memoryUsage().rss still says the total.
  }
  return parts;
}

function sample() {
  const heap = getHeapStatistics();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [
      space.space_name,
      { size: space.space_size, used: space.space_used_size },
    ]),
  );
  const line = {
    script: process.argv[1],
    uptimeS: Math.round(process.uptime() * 10) / 10,
    memoryUsage: process.memoryUsage(),
    heap: { total: heap.total_heap_size, used: heap.used_heap_size, malloced: heap.malloced_memory },
    spaces,
    rss: rssParts(),
  };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
}

let snapshotTaken = false;
setInterval(() => {
  sample();
  if (!snapshotTaken && process.memoryUsage().heapUsed > snapshotMb * MB) {
    snapshotTaken = true;
    writeHeapSnapshot(join(dir, `${process.pid}.heapsnapshot`));
  }
}, everyMs).unref();
