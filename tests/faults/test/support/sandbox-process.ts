import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorldFixture, WorldMessage } from "@callbot/sandbox";
import { waitFor } from "@callbot/test-support";
import type { SandboxInfo } from "./deployment.ts";
import { ENTRY, ServiceProcess } from "./service-process.ts";

export interface SandboxProcess {
  process: ServiceProcess;
  info: SandboxInfo & { control: string };
  /** The control HTTP API (packages/sandbox/README.md): act as users, read messages, inject faults. */
  control<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** Sends as a user; resolves with the bot's reply to it (polling the control API). */
  ask(from: number, chatId: number, text: string): Promise<{ sent: WorldMessage; reply: WorldMessage }>;
  /** Waits until a bot message in the chat matches. */
  waitForBotMessage(
    chatId: number,
    matches: (m: WorldMessage) => boolean,
    timeoutMs?: number,
  ): Promise<WorldMessage>;
}

/**
 * `pnpm sandbox` as its own process (packages/sandbox/src/cli.ts), on a world written to a
 * temporary file. Its output is not captured for the secret scan: printing the sandbox's own
 * token and sessions on its JSON line is what it is for.
 */
export async function startSandboxProcess(world: WorldFixture): Promise<SandboxProcess> {
  const path = join(tmpdir(), `callbot-faults-world-${process.pid}-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(world));
  const child = new ServiceProcess("sandbox", ENTRY.sandbox, {}, undefined, [
    "--no-rate-limits",
    "--world",
    path,
  ]);
  const line = await child.waitForLine((l) => l.startsWith("{") && l.includes('"botApiRoot"'));
  const info = JSON.parse(line) as SandboxInfo & { control: string };

  const control = async <T>(method: "GET" | "POST" | "DELETE", route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${info.control}${route}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`control ${method} ${route}: ${response.status} ${json.error ?? ""}`);
    return json;
  };
  const waitForBotMessage = (chatId: number, matches: (m: WorldMessage) => boolean, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const { messages } = await control<{ messages: WorldMessage[] }>(
          "GET",
          `/chats/${chatId}/bot-messages`,
        );
        return messages.find(matches);
      },
      `a bot message in ${chatId}`,
      timeoutMs,
    );
  return {
    process: child,
    info,
    control,
    waitForBotMessage,
    async ask(from, chatId, text) {
      const { message: sent } = await control<{ message: WorldMessage }>("POST", "/act/send", {
        from,
        chatId,
        text,
      });
      const reply = await waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
      return { sent, reply };
    },
  };
}
