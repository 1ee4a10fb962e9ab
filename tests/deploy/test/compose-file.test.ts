import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_NODE_FLAGS } from "@callbot/bot";
import { ENV_VARIABLE_MEANINGS, SHUTDOWN_DEADLINE_MS, WORKER_EXIT_DEADLINE_MS } from "@callbot/shared";
import { describe, expect, it } from "vitest";
import {
  type ComposeService,
  durationSeconds,
  envFileKeys,
  readComposeFile,
  readDockerfile,
} from "./support/compose-file.ts";

const REPO = join(import.meta.dirname, "../../..");
const DOCKER = join(REPO, "deploy/docker");
const compose = readComposeFile(join(DOCKER, "compose.yaml"));
const callbotServices = Object.entries(compose.services).filter(([name]) => name !== "redis");
const workers = callbotServices.filter(([name]) => name.startsWith("worker"));

/** Whether this machine has Compose (the docker CLI plugin); it needs no running engine for `config`. */
const COMPOSE_CLI = spawnSync("docker", ["compose", "version"], { encoding: "utf8" }).status === 0;

/** The variable names the README's configuration table lists. */
function readmeVariables(): Set<string> {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  return new Set([...readme.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((match) => match[1] ?? ""));
}

describe("compose file and image (deploy/docker)", () => {
  it(
    COMPOSE_CLI
      ? "`docker compose config` accepts the compose file"
      : "docker compose is not installed here: the compose file is checked by reading its YAML only",
    () => {
      if (!COMPOSE_CLI) {
        console.warn("docker compose not available: compose.yaml checked by its YAML only (see the README)");
        expect(Object.keys(compose.services)).toContain("redis");
        return;
      }
      // A copy with the files an operator makes (env files, the session), so config can resolve them.
      const dir = mkdtempSync(join(tmpdir(), "callbot-compose-"));
      try {
        cpSync(DOCKER, dir, { recursive: true });
        copyFileSync(join(DOCKER, "bot.env.example"), join(dir, "bot.env"));
        copyFileSync(join(DOCKER, "worker.env.example"), join(dir, "worker-1.env"));
        writeFileSync(join(dir, "assistant-1.session"), "not a real session");
        const result = spawnSync(
          "docker",
          ["compose", "-f", join(dir, "compose.yaml"), "config", "--quiet"],
          {
            encoding: "utf8",
            env: { ...process.env, REDIS_PASSWORD: "test-password" },
          },
        );
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("Redis keeps an append-only file and never evicts, on a volume, behind a password", () => {
    const command = (compose.services.redis?.command ?? []).join(" ");
    expect(command).toMatch(/--appendonly yes\b/);
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(command).toMatch(/--requirepass \$\{REDIS_PASSWORD:\?/);
    expect(compose.services.redis?.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
    expect(JSON.stringify(compose.services.redis)).toContain("redis-data:/data");
  });

  it("the bot and at least one worker, each healthy only when /readyz on its METRICS_LISTEN says ready", () => {
    expect(callbotServices.map(([name]) => name)).toContain("bot");
    expect(workers.length).toBeGreaterThanOrEqual(1);
    for (const [name, service] of callbotServices) {
      const listen = service.environment?.METRICS_LISTEN ?? "";
      const port = listen.split(":").at(-1);
      expect(listen, name).toMatch(/^0\.0\.0\.0:\d+$/);
      expect(service.healthcheck?.test.join(" "), name).toContain(`http://127.0.0.1:${port}/readyz`);
      expect(service.depends_on?.redis?.condition, name).toBe("service_healthy");
      expect(service.environment?.REDIS_URL, name).toMatch(/@redis:6379$/);
      expect(service.environment?.QUEUE_PREFIX, name).toBe(compose.services.bot?.environment?.QUEUE_PREFIX);
      // Compose sends SIGTERM, then SIGKILL after stop_grace_period: above the process's own deadline.
      const deadlineMs = name === "bot" ? SHUTDOWN_DEADLINE_MS : WORKER_EXIT_DEADLINE_MS;
      expect(durationSeconds(service.stop_grace_period ?? "0s"), name).toBeGreaterThan(deadlineMs / 1000);
    }
  });

  it("each worker reads its own session from a compose secret, never from the image or the compose file", () => {
    const sessions = new Set<string>();
    for (const [name, service] of workers) {
      const secret = service.secrets?.[0];
      expect(service.environment?.TG_SESSION_FILE, name).toBe(`/run/secrets/${secret?.target}`);
      expect(compose.secrets?.[secret?.source ?? ""]?.file, name).toMatch(/\.session$/);
      sessions.add(secret?.source ?? "");
      expect(service.environment?.TG_SESSION, name).toBeUndefined();
    }
    expect(sessions.size).toBe(workers.length);
    // The image build never sees a session or an env file.
    const ignored = readFileSync(join(REPO, ".dockerignore"), "utf8");
    expect(ignored).toMatch(/^\*\.session$/m);
    expect(ignored).toMatch(/^\.env$/m);
  });

  it("every variable the compose file and its env examples set is one callbot reads and the README's table lists", () => {
    const documented = readmeVariables();
    const envFiles = new Set(callbotServices.flatMap(([, service]) => service.env_file ?? []));
    const names = [
      ...callbotServices.flatMap(([, service]: [string, ComposeService]) =>
        Object.keys(service.environment ?? {}),
      ),
      ...envFileKeys(join(DOCKER, "bot.env.example")),
      ...envFileKeys(join(DOCKER, "worker.env.example")),
    ];
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      expect(Object.keys(ENV_VARIABLE_MEANINGS), name).toContain(name);
      expect([...documented], name).toContain(name);
    }
    expect([...envFiles].sort()).toEqual(["bot.env", ...workers.map(([name]) => `${name}.env`)].sort());
  });

  it("the image: multi-stage, builds the bundles, runs them as an unprivileged user with node as PID 1", () => {
    const steps = readDockerfile(join(DOCKER, "Dockerfile"));
    const stages = steps.filter((step) => step.instruction === "FROM");
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = steps.slice(steps.lastIndexOf(stages.at(-1) ?? steps[0]!));
    const build = steps.slice(0, steps.length - runtime.length);
    expect(build.map((step) => step.args).join(" ")).toContain("pnpm install --frozen-lockfile");
    expect(build.map((step) => step.args).join(" ")).toMatch(/run build/);
    // The final stage copies only the deployed apps from the build stage, then drops root.
    expect(runtime.some((step) => step.instruction === "RUN")).toBe(false);
    const user = runtime.find((step) => step.instruction === "USER")?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    const entrypoint = runtime.find((step) => step.instruction === "ENTRYPOINT")?.args ?? "";
    expect(JSON.parse(entrypoint)).toEqual(["node", "--enable-source-maps"]);
    // The commands compose runs are the bundles the build stage deployed; the bot's with its
    // memory flags (a small young generation), as the bench measured them. The image's default
    // command is the bot's.
    for (const [name, service] of callbotServices) {
      const app = name === "bot" ? "bot" : "worker";
      const flags = app === "bot" ? BOT_NODE_FLAGS : [];
      expect(service.command, name).toEqual([...flags, `${app}/dist/main.mjs`]);
      expect(runtime.map((step) => step.args)).toContain(`--from=build /out/${app} /app/${app}`);
    }
    const defaultCommand = runtime.find((step) => step.instruction === "CMD")?.args ?? "[]";
    expect(JSON.parse(defaultCommand)).toEqual([...BOT_NODE_FLAGS, "bot/dist/main.mjs"]);
  });
});
