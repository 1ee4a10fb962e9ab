import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./fixtures/start-bot-with-env.ts", import.meta.url));

/** Runs the fixture as a real Node process with only the given environment (plus PATH). */
function startBot(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", fixture],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("a process started with a bad environment", () => {
  it("exits non-zero with every problem and no stack trace", async () => {
    const result = await startBot({ OWNER_IDS: "x" });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("BOT_TOKEN is missing: the token @BotFather gave your bot");
    expect(result.stderr).toContain('OWNER_IDS is invalid ("x" is not a positive user id)');
    expect(result.stderr).not.toContain("    at ");
  });

  it("starts with a good environment and prints no secret", async () => {
    const token = "42:SecretPartOfTheTokenThatMustNotShow";
    const result = await startBot({ BOT_TOKEN: token, OWNER_IDS: "1001" });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ botToken: "[redacted]", ownerIds: [1001] });
    expect(result.stdout).not.toContain("SecretPart");
  });
});
