import { type ChildProcess, execSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { SHUTDOWN_DEADLINE_MS, WORKER_EXIT_DEADLINE_MS } from "@callbot/shared";
import { freePort } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readComposeFile, readDockerfile } from "./support/compose-file.ts";

/**
 * No container engine runs on this machine (the docker client alone), so the image cannot be
 * built here. What can be: the Dockerfile's own build commands (taken from it, with /out moved
 * to a temporary folder), then the two deployed apps started as the image starts them, against
 * the sandbox and the real Redis, and asked by compose's own healthcheck command.
 */
const REPO = join(import.meta.dirname, "../../..");
const DOCKER = join(REPO, "deploy/docker");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let out: string;
let sandbox: Sandbox;
const prefix = `deploy-${process.pid}-${Date.now()}`;
const children: ChildProcess[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "callbot-image-"));
  const run = readDockerfile(join(DOCKER, "Dockerfile")).find(
    (step) => step.instruction === "RUN" && step.args.includes("deploy"),
  );
  if (!run) throw new Error("the Dockerfile has no RUN step that deploys the apps");
  // The install already happened in this checkout (pnpm install --frozen-lockfile).
  const commands = run.args
    .split("&&")
    .map((command) => command.trim())
    .filter((command) => !command.startsWith("pnpm install"))
    .map((command) => command.replaceAll("/out/", `${out}/`));
  // `pnpm deploy` (pnpm 12) overwrites the checkout's install state with the deployed app's
  // (production only), and the next `pnpm run` would then prune every dev dependency: keep it.
  const state = join(REPO, "node_modules/.pnpm-workspace-state-v1.json");
  const saved = existsSync(state) ? readFileSync(state) : undefined;
  try {
    for (const command of commands) execSync(command, { cwd: REPO, stdio: "pipe" });
  } finally {
    if (saved) writeFileSync(state, saved);
  }
  sandbox = await startSandbox({ rateLimits: false });
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await sandbox?.close();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(out, { recursive: true, force: true });
});

/** Starts `<app>/dist/main.mjs` from the deployed folder as the image's ENTRYPOINT and CMD do. */
function startDeployed(app: "bot" | "worker", env: Record<string, string>) {
  const child = spawn(process.execPath, ["--enable-source-maps", `${app}/dist/main.mjs`], {
    cwd: out,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  children.push(child);
  return { child, stderr: () => stderr };
}

/** Compose's healthcheck for a service, pointed at `port`; true when it exits 0. */
function healthy(service: string, port: number): boolean {
  const test = readComposeFile(join(DOCKER, "compose.yaml")).services[service]?.healthcheck?.test ?? [];
  const [kind, command, ...args] = test;
  if (kind !== "CMD" || command !== "node") throw new Error(`unexpected healthcheck for ${service}: ${test}`);
  const pointed = args.map((arg) => arg.replace("127.0.0.1:9464", `127.0.0.1:${port}`));
  return spawnSync(process.execPath, pointed, { timeout: 10_000 }).status === 0;
}

/** Polls the healthcheck until it passes or the deadline ends. */
async function becomesHealthy(service: string, port: number, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (healthy(service, port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe("the image's apps, deployed by the Dockerfile's commands (no container engine here)", () => {
  it("the bot and the worker start from the deployed folders, pass compose's /readyz healthcheck, serve every metric the alert rules name, and stop on SIGTERM", async () => {
    const session = sandbox.info.sessions.callbot_assistant;
    if (!session) throw new Error("the demo world has no assistant session");
    const [botPort, workerPort] = [await freePort(), await freePort()];
    const common = { REDIS_URL, QUEUE_PREFIX: prefix };

    // Nothing listens yet: the healthcheck must fail, or it proves nothing below.
    expect(healthy("bot", botPort)).toBe(false);

    const worker = startDeployed("worker", {
      ...common,
      METRICS_LISTEN: `127.0.0.1:${workerPort}`,
      TG_API_ID: String(sandbox.info.apiId),
      TG_API_HASH: sandbox.info.apiHash,
      TG_SESSION: session,
      TG_DC: `${sandbox.info.mtproto.host}:${sandbox.info.mtproto.port}`,
    });
    const bot = startDeployed("bot", {
      ...common,
      METRICS_LISTEN: `127.0.0.1:${botPort}`,
      BOT_TOKEN: sandbox.info.botToken,
      BOT_API_ROOT: sandbox.info.botApiRoot,
      OWNER_IDS: "1001",
    });
    expect(await becomesHealthy("worker-1", workerPort, 60_000), worker.stderr()).toBe(true);
    expect(await becomesHealthy("bot", botPort, 60_000), bot.stderr()).toBe(true);

    // Every metric an alert rule names is one the two processes serve (prom-client lists each
    // registered metric with a TYPE line even before its first value).
    const served = new Set<string>();
    for (const port of [botPort, workerPort]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const [, name] of text.matchAll(/^# TYPE (\S+)/gm)) served.add(name ?? "");
    }
    const rules = parse(readFileSync(join(REPO, "deploy/prometheus/callbot-alerts.yml"), "utf8")) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const named = rules.groups.flatMap((group) =>
      group.rules.flatMap((rule) =>
        [...rule.expr.matchAll(/\b(callbot_[a-z_]+)/g)].map((m) => [rule.alert, m[1]]),
      ),
    );
    expect(named.length).toBeGreaterThan(5);
    for (const [alert, metric] of named) expect([...served], `${alert}: ${metric}`).toContain(metric);

    for (const [app, deadlineMs] of [
      [bot, SHUTDOWN_DEADLINE_MS],
      [worker, WORKER_EXIT_DEADLINE_MS],
    ] as const) {
      const signalledAt = Date.now();
      const exited = once(app.child, "exit");
      app.child.kill("SIGTERM");
      const [code] = await exited;
      expect(code, app.stderr()).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(deadlineMs);
    }
  });
});
