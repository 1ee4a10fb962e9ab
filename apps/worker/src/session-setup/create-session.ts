import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { CONFIG_ERROR_EXIT_CODE, ConfigError, TgApiIdSchema } from "@callbot/shared";
import { TelegramClient } from "telegram";
import { StringSession } from "telegram/sessions/index.js";

/**
 * `pnpm session`: logs the assistant account in to Telegram on this machine and writes its
 * session string to a file (mode 0600) for TG_SESSION_FILE. The session gives full control of
 * the account, so it is made here rather than on a third-party website, and it is never printed.
 *
 * Needs TG_API_ID and TG_API_HASH (from https://my.telegram.org) and asks for the phone number,
 * the login code Telegram sends, and the two-step verification password if the account has one.
 */
const apiIdText = process.env.TG_API_ID?.trim();
const apiHash = process.env.TG_API_HASH?.trim();
const target = process.argv[2] ?? "assistant.session";
const problems: string[] = [];
const apiId = TgApiIdSchema.safeParse(apiIdText);
if (!apiIdText || !apiId.success)
  problems.push("TG_API_ID is missing or not a number: the api_id from https://my.telegram.org");
if (!apiHash) problems.push("TG_API_HASH is missing: the api_hash from https://my.telegram.org");
if (problems.length > 0 || !apiId.success || !apiHash) {
  process.stderr.write(`${new ConfigError(problems).message}\n`);
  process.exit(CONFIG_ERROR_EXIT_CODE);
}

const prompt = createInterface({ input: process.stdin, output: process.stderr });
const client = new TelegramClient(new StringSession(""), Number(apiId.data), apiHash, {
  connectionRetries: 3,
});
try {
  await client.start({
    phoneNumber: () => prompt.question("Phone number of the assistant account (international format): "),
    phoneCode: () => prompt.question("The login code Telegram sent to that account: "),
    password: () => prompt.question("Two-step verification password (empty if none): "),
    onError: (error) => {
      process.stderr.write(`Telegram said: ${error.message}\n`);
    },
  });
  const session = String(client.session.save());
  writeFileSync(target, `${session}\n`, { mode: 0o600 });
  const me = await client.getMe();
  process.stderr.write(
    `Logged in as ${me.username ? `@${me.username}` : me.firstName}. The session is in ${target} (readable by you only).\n` +
      `Start the worker with TG_SESSION_FILE=${target}. Keep the file secret and out of git.\n`,
  );
} finally {
  prompt.close();
  await client.destroy();
}
