import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Bot } from "grammy";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

describe("pnpm sandbox (src/cli.ts)", () => {
  it("prints one JSON line with what clients need, serves it, and exits cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts"], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout! });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", () => reject(new Error("the CLI exited before printing")));
      });
      const info = JSON.parse(first);
      expect(info).toMatchObject({
        botApiRoot: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        botToken: "7000000001:SANDBOXdemoTokenNotSecretAAAAAAAAAA",
        mtproto: { host: "127.0.0.1", port: expect.any(Number) },
        apiId: 94575,
        apiHash: expect.stringMatching(/^[0-9a-f]{32}$/),
        sessions: { callbot_assistant: expect.stringMatching(/^1/) },
        control: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        // What a login from scratch needs: the data centres and the key for the key exchange.
        dataCentres: [
          { id: 2, host: "127.0.0.1", port: expect.any(Number) },
          { id: 4, host: "127.0.0.1", port: expect.any(Number) },
        ],
        publicKey: expect.stringMatching(
          /^-----BEGIN RSA PUBLIC KEY-----\n[\s\S]+\n-----END RSA PUBLIC KEY-----\n$/,
        ),
      });
      expect(info.dataCentres[0].port).toBe(info.mtproto.port);
      const bot = new Bot(info.botToken, { client: { apiRoot: info.botApiRoot } });
      expect((await bot.api.getMe()).username).toBe("callbot_sandbox_bot");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    // Starting a tsx process takes seconds on a busy 2-core machine.
  }, 30_000);
});
