/**
 * What one Bot API round trip costs where the bench measures its baseline (a client in the
 * sandbox's own process, back to back) against where the bot makes it (another process), and at
 * a trickle (one every 500 ms: the 2/s phase's spacing, every process idle in between).
 *
 *   pnpm exec tsx tools/bench/diagnostics/round-trip-at-a-trickle.ts [requests, default 100]
 *
 * Prints the p50 and p95 of sendMessage in each of the four cases.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startSandbox } from "@callbot/sandbox";
import { summariseLatencies } from "../src/stats/latency-summary.ts";
import { buildBenchWorld } from "../src/world/bench-world.ts";

const TRICKLE_MS = 500;

interface Timings {
  backToBack: number[];
  trickle: number[];
}

/** `requests` sendMessage one after another, then as many one every TRICKLE_MS. */
async function measure(url: string, chatId: number, requests: number): Promise<Timings> {
  const send = async (i: number) => {
    const sentAt = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chatId, text: `round trip ${i}` }),
    });
    if (!((await response.json()) as { ok: boolean }).ok) throw new Error("sendMessage failed");
    return performance.now() - sentAt;
  };
  const timings: Timings = { backToBack: [], trickle: [] };
  for (let i = 0; i < requests; i++) timings.backToBack.push(await send(i));
  for (let i = 0; i < requests; i++) {
    await new Promise((resolve) => setTimeout(resolve, TRICKLE_MS));
    timings.trickle.push(await send(i));
  }
  return timings;
}

/** The same measurement from a process of its own, as the bot makes its requests. */
async function measureInChild(url: string, chatId: number, requests: number): Promise<Timings> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", self, "--client", url, String(chatId), String(requests)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.on("exit", resolve));
  return JSON.parse(out) as Timings;
}

function summary(ms: number[]): string {
  const latency = summariseLatencies(ms);
  return latency === undefined ? "-" : `p50 ${latency.p50} ms, p95 ${latency.p95} ms`;
}

if (process.argv[2] === "--client") {
  const [url, chatId, requests] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await measure(url!, Number(chatId), Number(requests))));
} else {
  const requests = Number(process.argv[2] ?? 100);
  if (!Number.isInteger(requests) || requests < 1) {
    console.error(
      `round-trip-at-a-trickle wants a whole number of requests >= 1 (default 100), got "${process.argv[2]}"`,
    );
    process.exit(2);
  }
  const world = buildBenchWorld({ privateChats: 2, publicChats: 0, chatsPerOwner: 2 });
  const sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
  try {
    const url = `${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/sendMessage`;
    const chatId = world.privateSeats[0]!.chatId;
    const own = await measure(url, chatId, requests);
    const other = await measureInChild(url, chatId, requests);
    console.log(`sendMessage, ${requests} of each:`);
    console.log(`  the sandbox's process, back to back (the bench's baseline): ${summary(own.backToBack)}`);
    console.log(`  the sandbox's process, one every ${TRICKLE_MS} ms: ${summary(own.trickle)}`);
    console.log(`  another process, back to back: ${summary(other.backToBack)}`);
    console.log(
      `  another process, one every ${TRICKLE_MS} ms (as the bot at 2/s): ${summary(other.trickle)}`,
    );
  } finally {
    await sandbox.close();
  }
}
