/**
 * Sandbox throughput: phone.createGroupCall round trips per second from one real gramjs client,
 * and Bot API sendMessage calls per second over plain HTTP. A benchmark, not a test: it prints
 * a Markdown table (copied into the package README under "Benchmark").
 *
 * The sandbox runs as its own process (`tsx src/cli.ts`), as it does beside the product's
 * bot and worker, so client and server each get a core of their own.
 *
 *   pnpm --filter @callbot/sandbox bench [-- --calls 3000 --messages 4000 --in-flight 32]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { WorldFixture } from "../src/world/fixture-schema.ts";
import { World } from "../src/world/world.ts";
import { demoWorldPath } from "../src/worlds/demo-world.ts";
import { connectSandboxClient } from "../test/support/gramjs-client.ts";
import { RawMtprotoClient } from "./raw-mtproto-client.ts";

const { values } = parseArgs({
  // pnpm forwards the "--" separator itself.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    calls: { type: "string", default: "3000" },
    messages: { type: "string", default: "4000" },
    "in-flight": { type: "string", default: "32" },
    /** Writes a V8 CPU profile of the sandbox process into this directory. */
    "profile-sandbox": { type: "string" },
  },
});
const CALLS = Number(values.calls);
const MESSAGES = Number(values.messages);
const IN_FLIGHT = Number(values["in-flight"]);
const USERBOT_ID = 2001;
const FIRST_BENCH_CHAT = 1_600_000_000;

interface SandboxLine {
  botApiRoot: string;
  botToken: string;
  mtproto: { host: string; port: number };
  apiId: number;
  apiHash: string;
  sessions: Record<string, string>;
}

/** The demo world plus one supergroup per createGroupCall, each with the userbot as manage_call admin. */
function benchFixture(chatCount: number): WorldFixture {
  const demo = JSON.parse(readFileSync(demoWorldPath, "utf8")) as WorldFixture;
  const chats = Array.from({ length: chatCount }, (_, i) => ({
    id: FIRST_BENCH_CHAT + i,
    type: "supergroup" as const,
    title: `Bench ${i}`,
    members: [
      { userId: 1001, role: "owner" as const },
      { userId: USERBOT_ID, role: "admin" as const, rights: { manageCall: true } },
    ],
  }));
  return { ...demo, chats: [...demo.chats, ...chats] };
}

async function startSandboxProcess(fixturePath: string): Promise<{ child: ChildProcess; info: SandboxLine }> {
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  const profile = values["profile-sandbox"]
    ? ["--cpu-prof", `--cpu-prof-dir=${values["profile-sandbox"]}`]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, "--import", "tsx", cli, "--world", fixturePath, "--no-rate-limits"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => {
      throw new Error("the sandbox process exited before printing its info line");
    }),
  ])) as [string];
  return { child, info: JSON.parse(line) as SandboxLine };
}

/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

interface Measurement {
  perSecond: number;
  /** CPU time per call in the client (this process) and in the sandbox process. */
  clientCpuMs: number;
  sandboxCpuMs: number;
}

/** Runs `total` tasks with at most `inFlight` at once. */
async function measure(
  sandboxPid: number,
  total: number,
  inFlight: number,
  task: (index: number) => Promise<unknown>,
): Promise<Measurement> {
  let next = 0;
  const clientCpuBefore = process.cpuUsage();
  const sandboxCpuBefore = processCpuMs(sandboxPid);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const index = next++;
        await task(index);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  return {
    perSecond: total / seconds,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000 / total,
    sandboxCpuMs: (processCpuMs(sandboxPid) - sandboxCpuBefore) / total,
  };
}

function row(what: string, m: Measurement): string[] {
  return [what, m.perSecond.toFixed(0), m.clientCpuMs.toFixed(2), m.sandboxCpuMs.toFixed(2)];
}

async function main(): Promise<void> {
  const chatCount = CALLS * 3;
  const dir = mkdtempSync(join(tmpdir(), "callbot-bench-"));
  const fixturePath = join(dir, "bench-world.json");
  const fixture = benchFixture(chatCount);
  // The same fixture gives the same access hashes in any process (they derive from the seed),
  // so the client can hold Input peers without a resolve request per chat.
  const mirror = new World(fixture);
  writeFileSync(fixturePath, JSON.stringify(fixture));
  const { child, info } = await startSandboxProcess(fixturePath);
  const rows: string[][] = [];
  const pid = child.pid ?? 0;
  try {
    const session = info.sessions.callbot_assistant;
    if (!session) throw new Error("no userbot session in the sandbox info");
    const client = await connectSandboxClient({
      session,
      host: info.mtproto.host,
      port: info.mtproto.port,
      apiId: info.apiId,
      apiHash: info.apiHash,
    });
    const peers = Array.from({ length: chatCount }, (_, i) => {
      const chat = mirror.getChat(FIRST_BENCH_CHAT + i);
      if (!chat) throw new Error("bench chat missing from the fixture");
      return new Api.InputPeerChannel({
        channelId: returnBigInt(chat.id),
        accessHash: returnBigInt(chat.accessHash),
      });
    });
    const createIn = (chat: number) => async () => {
      const updates = await client.invoke(
        new Api.phone.CreateGroupCall({ peer: peers[chat]!, randomId: chat + 1 }),
      );
      if (
        !(updates instanceof Api.Updates) ||
        !updates.updates.some((u) => u instanceof Api.UpdateGroupCall)
      ) {
        throw new Error("createGroupCall answered without updateGroupCall");
      }
    };
    // Warm-up: JIT on both sides, on a few demo-world reads.
    for (let i = 0; i < 200; i++) await client.invoke(new Api.updates.GetState());

    rows.push(
      row(
        "MTProto phone.createGroupCall, 1 in flight (gramjs)",
        await measure(pid, CALLS, 1, (i) => createIn(i)()),
      ),
    );
    rows.push(
      row(
        `MTProto phone.createGroupCall, ${IN_FLIGHT} in flight (gramjs)`,
        await measure(pid, CALLS, IN_FLIGHT, (i) => createIn(CALLS + i)()),
      ),
    );
    await client.destroy();

    // The sandbox's own capacity, driven by a lean client whose CPU cost is small.
    const raw = await RawMtprotoClient.connect(info.mtproto.host, info.mtproto.port, session);
    await raw.invoke(
      new Api.InvokeWithLayer({
        layer: 198,
        query: new Api.InitConnection({
          apiId: info.apiId,
          deviceModel: "bench",
          systemVersion: "bench",
          appVersion: "bench",
          systemLangCode: "en",
          langPack: "",
          langCode: "en",
          query: new Api.help.GetConfig(),
        }),
      }).getBytes(),
    );
    const rawBodies = Array.from({ length: CALLS }, (_, i) =>
      new Api.phone.CreateGroupCall({ peer: peers[2 * CALLS + i]!, randomId: 2 * CALLS + i + 1 }).getBytes(),
    );
    rows.push(
      row(
        `MTProto phone.createGroupCall, ${IN_FLIGHT} in flight (lean raw client)`,
        await measure(pid, CALLS, IN_FLIGHT, (i) => raw.invoke(rawBodies[i]!)),
      ),
    );
    raw.close();

    const url = `${info.botApiRoot}/bot${info.botToken}/sendMessage`;
    const send = async (i: number) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id: -1001500000001, text: `bench ${i}` }),
      });
      const body = (await response.json()) as { ok: boolean; description?: string };
      if (!body.ok) throw new Error(`sendMessage failed: ${body.description}`);
    };
    for (let i = 0; i < 200; i++) await send(i);
    rows.push(row("Bot API sendMessage, 1 in flight (fetch)", await measure(pid, MESSAGES, 1, send)));
    rows.push(
      row(
        `Bot API sendMessage, ${IN_FLIGHT} in flight (fetch)`,
        await measure(pid, MESSAGES, IN_FLIGHT, send),
      ),
    );
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
    rmSync(dir, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  console.log(
    `\nSandbox in its own process; client in this one. ${cpus().length} cores (${cpu}), Node ${process.version}, load average ${load}.`,
  );
  console.log(
    `${CALLS} createGroupCall per row (each into its own chat), ${MESSAGES} sendMessage per row.\n`,
  );
  console.log("| what | per second | client CPU ms/call | sandbox CPU ms/call |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
