import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_NODE_FLAGS } from "@callbot/bot";
import { SHUTDOWN_DEADLINE_MS, WORKER_EXIT_DEADLINE_MS } from "@callbot/shared";
import { describe, expect, it } from "vitest";
import { readUnitFile, timeSpanSeconds, unitValue } from "./support/unit-file.ts";

const REPO = join(import.meta.dirname, "../../..");
const UNITS = join(REPO, "deploy/systemd");
const BOT_UNIT = join(UNITS, "callbot-bot.service");
const WORKER_UNIT = join(UNITS, "callbot-worker@.service");

/**
 * Where systemd is installed, systemd-analyze comes with it (Debian's systemd package), so its
 * absence there is a broken machine and the test fails. Elsewhere (a container without systemd)
 * only the INI check below runs, and the test's name says so.
 */
const SYSTEMD_INSTALLED = ["/lib/systemd/systemd", "/usr/lib/systemd/systemd"].some((path) =>
  existsSync(path),
);
const ANALYZE = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((path) => existsSync(path));

describe("systemd units (deploy/systemd)", () => {
  it(
    ANALYZE
      ? "pass `systemd-analyze verify` with no warning (the worker as an instance)"
      : "systemd-analyze is missing: only the INI check runs (it must be there where systemd is)",
    () => {
      if (!ANALYZE) {
        expect(SYSTEMD_INSTALLED, "systemd is installed but systemd-analyze is not").toBe(false);
        console.warn("systemd-analyze not installed: the units were checked by the INI reading only");
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), "callbot-units-"));
      try {
        // verify checks that ExecStart's program exists: on a machine whose node is not Debian's
        // /usr/bin/node, the copy names this machine's node instead (the README says to adjust).
        const nodeHere = existsSync("/usr/bin/node") ? "/usr/bin/node" : process.execPath;
        const copy = (from: string, name: string) => {
          writeFileSync(join(dir, name), readFileSync(from, "utf8").replaceAll("/usr/bin/node", nodeHere));
          return join(dir, name);
        };
        const units = [
          copy(BOT_UNIT, "callbot-bot.service"),
          copy(WORKER_UNIT, "callbot-worker@assistant1.service"),
        ];
        const result = spawnSync(ANALYZE, ["verify", "--man=no", ...units], { encoding: "utf8" });
        // verify exits 0 on unknown keys and unparsable values, printing them: both must be empty.
        expect({ status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() }).toEqual(
          {
            status: 0,
            stderr: "",
            stdout: "",
          },
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("`pnpm start:bot` runs the bot's bundle with the same node flags as its unit", () => {
    const manifest = JSON.parse(readFileSync(join(REPO, "apps/bot/package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const botUnitCommand = unitValue(readUnitFile(BOT_UNIT), "Service", "ExecStart")?.replace(
      "/usr/bin/node",
      "node",
    );
    expect(botUnitCommand).toBeDefined();
    expect(manifest.scripts.start).toContain(` && ${botUnitCommand?.replace("apps/bot/", "")}`);
  });

  it("the INI check refuses a malformed unit, so it would catch what systemd-analyze catches first", () => {
    const dir = mkdtempSync(join(tmpdir(), "callbot-units-"));
    try {
      const broken = join(dir, "broken.service");
      copyFileSync(BOT_UNIT, broken);
      writeFileSync(broken, `${readFileSync(broken, "utf8")}\nthis is not a setting\n`);
      expect(() => readUnitFile(broken)).toThrow(/not a Key=Value line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      "callbot-bot.service",
      BOT_UNIT,
      SHUTDOWN_DEADLINE_MS,
      // The bot's memory flags (a small young generation), as the bench measured them.
      [...BOT_NODE_FLAGS, "apps/bot/dist/main.mjs"].join(" "),
      "/etc/callbot/bot.env",
    ],
    [
      "callbot-worker@.service",
      WORKER_UNIT,
      WORKER_EXIT_DEADLINE_MS,
      "apps/worker/dist/main.mjs",
      "/etc/callbot/worker-%i.env",
    ],
  ])(
    "%s: the bundle, its env file, restart on failure, a stop timeout above the process's own, hardening",
    (_name, path, deadlineMs, command, envFile) => {
      const unit = readUnitFile(path);
      const service = (key: string) => unitValue(unit, "Service", key);
      expect(service("ExecStart")).toBe(`/usr/bin/node --enable-source-maps ${command}`);
      // The bundle is where tools/build/bundle-app.mjs writes it (`pnpm build`).
      expect(readFileSync(join(REPO, "tools/build/bundle-app.mjs"), "utf8")).toContain('"dist/main.mjs"');
      expect(service("WorkingDirectory")).toBe("/opt/callbot");
      expect(service("EnvironmentFile")).toBe(envFile);
      expect(service("Restart")).toBe("on-failure");
      // A configuration error (EX_CONFIG) is not restarted into a loop.
      expect(service("RestartPreventExitStatus")).toBe("78");
      // systemd kills only after the process has had its own deadline to stop gracefully.
      const timeout = timeSpanSeconds(service("TimeoutStopSec") ?? "");
      expect(timeout).toBeGreaterThan(deadlineMs / 1000);
      expect(timeout).toBeLessThanOrEqual(deadlineMs / 1000 + 10);
      expect(service("KillSignal")).toBe("SIGTERM");
      expect(service("User")).toBe("callbot");
      expect(service("NoNewPrivileges")).toBe("yes");
      expect(service("ProtectSystem")).toBe("strict");
      expect(service("ProtectHome")).toBe("yes");
      expect(service("PrivateTmp")).toBe("yes");
      expect(service("CapabilityBoundingSet")).toBe("");
      // V8's JIT needs writable executable memory: this setting would crash node.
      expect(service("MemoryDenyWriteExecute")).toBeUndefined();
      expect(unitValue(unit, "Unit", "StartLimitBurst")).toBeDefined();
      expect(unitValue(unit, "Install", "WantedBy")).toBe("multi-user.target");
    },
  );
});
