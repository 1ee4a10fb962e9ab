import { readdir, readFile, stat } from "node:fs/promises";
import { SourceMap } from "node:module";
import { join } from "node:path";

/** Where one process's CPU went, from its V8 .cpuprofile (node --cpu-prof). */
export interface CpuProfileSummary {
  file: string;
  sampledMs: number;
  /** Self time by package (node_modules/<name>), by our own app or package, or by V8/Node ("(garbage collector)", "node:internal"). */
  byPackage: Array<{ name: string; ms: number; percent: number }>;
  /** Self time by function, with where it lives. */
  byFunction: Array<{ name: string; where: string; ms: number; percent: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Summarises the largest .cpuprofile in `dir` (one per process; a worker thread would write a
 * smaller one beside it). Frames in a bundle are mapped back to their sources through the
 * bundle's .map, so that time is charged to gramjs, ioredis or apps/bot rather than to main.mjs.
 */
export async function summariseCpuProfileDir(dir: string, top = 12): Promise<CpuProfileSummary | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".cpuprofile"));
  if (names.length === 0) return undefined;
  const sized = await Promise.all(names.map(async (n) => ({ n, size: (await stat(join(dir, n))).size })));
  const file = join(dir, sized.sort((a, b) => b.size - a.size)[0]!.n);
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;

  // Self time per node: each sample's time delta goes to the node it hit.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((nodeId, i) => {
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
  });
  const maps = new Map<string, SourceMap | undefined>();
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const frame = node.callFrame;
    const source = await originalSource(frame, maps);
    const pkg = packageOf(frame, source);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = frame.functionName || "(anonymous)";
    const where = source ? `${shortPath(source.path)}:${source.line + 1}` : shortPath(frame.url) || pkg;
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const percent = (us: number) => (totalUs === 0 ? 0 : Math.round((us / totalUs) * 1000) / 10);
  return {
    file,
    sampledMs: ms(totalUs),
    byPackage: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: ms(us), percent: percent(us) })),
    byFunction: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: ms(f.us), percent: percent(f.us) })),
  };
}

async function originalSource(
  frame: ProfileNode["callFrame"],
  maps: Map<string, SourceMap | undefined>,
): Promise<{ path: string; line: number } | undefined> {
  if (!frame.url.startsWith("file://") || !frame.url.endsWith(".mjs")) return undefined;
  if (!maps.has(frame.url)) {
    const path = new URL(`${frame.url}.map`).pathname;
    const payload = await readFile(path, "utf8").then(JSON.parse, () => undefined);
    maps.set(frame.url, payload ? new SourceMap(payload) : undefined);
  }
  const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !("originalSource" in entry)) return undefined;
  return { path: entry.originalSource, line: entry.originalLine };
}

function packageOf(frame: ProfileNode["callFrame"], source: { path: string } | undefined): string {
  const path = source?.path ?? frame.url;
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = path.slice(modules + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const ours = /(apps|packages)\/([^/]+)\//.exec(path);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (path.startsWith("node:")) return "node:internal";
  if (path === "") return frame.functionName || "(unknown)";
  return shortPath(path);
}

function shortPath(path: string): string {
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) return path.slice(modules + "node_modules/".length);
  const ours = /(?:apps|packages)\/.*$/.exec(path);
  return ours ? ours[0] : path.replace(/^file:\/\//, "");
}
