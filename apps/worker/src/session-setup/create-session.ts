import { existsSync } from "node:fs";
import {
  CONFIG_ERROR_EXIT_CODE,
  ConfigError,
  TgApiIdSchema,
  TgDcPublicKeySchema,
  TgDcSchema,
} from "@callbot/shared";
import { pino } from "pino";
import { Api } from "telegram";
import { createUserbotClient } from "../telegram/create-userbot-client.ts";
import { DialRoute } from "../telegram/dial-route.ts";
import { LoginStopped, logInByPhone } from "./log-in-by-phone.ts";
import { LoginCancelled, terminalPrompts } from "./terminal-prompts.ts";
import { writeSessionFile } from "./write-session-file.ts";

/**
 * `pnpm session [file]`: logs the assistant account in to Telegram on this machine and writes
 * its session string to a file (mode 0600, default assistant.session) for TG_SESSION_FILE. The
 * session gives full control of the account, so it is made here rather than on a third-party
 * website, and it is never printed.
 *
 * Needs TG_API_ID and TG_API_HASH (from https://my.telegram.org). With TG_DC (and
 * TG_DC_PUBLIC_KEY) it logs in to that server instead of Telegram's: the sandbox or a test DC.
 */
const target = process.argv[2] ?? "assistant.session";
const env = process.env;
const problems: string[] = [];
const apiId = TgApiIdSchema.safeParse(env.TG_API_ID?.trim());
const apiHash = env.TG_API_HASH?.trim();
const dc = TgDcSchema.safeParse(env.TG_DC?.trim() || undefined);
const dcKey = TgDcPublicKeySchema.safeParse(env.TG_DC_PUBLIC_KEY);
if (!env.TG_API_ID?.trim() || !apiId.success)
  problems.push("TG_API_ID is missing or not a number: the api_id from https://my.telegram.org");
if (!apiHash) problems.push("TG_API_HASH is missing: the api_hash from https://my.telegram.org");
if (!dc.success) problems.push(`TG_DC is invalid: ${dc.error.issues[0]?.message ?? "expected host:port"}`);
if (!dcKey.success)
  problems.push(`TG_DC_PUBLIC_KEY is invalid: ${dcKey.error.issues[0]?.message ?? "expected a PEM RSA key"}`);
if (dcKey.success && dcKey.data && dc.success && !dc.data)
  problems.push("TG_DC_PUBLIC_KEY is only trusted for the server TG_DC names: set TG_DC too, or unset it");
if (problems.length > 0 || !apiId.success || !apiHash || !dc.success || !dcKey.success) {
  process.stderr.write(`${new ConfigError(problems).message}\n`);
  process.exit(CONFIG_ERROR_EXIT_CODE);
}

const prompts = terminalPrompts(process.stdin, process.stderr);
const route = dc.data ? new DialRoute(dc.data) : undefined;
const client = createUserbotClient({
  session: "",
  apiId: Number(apiId.data),
  apiHash,
  logger: pino({ level: "silent" }),
  floodSleepThresholdSeconds: 0,
  ...(route && { dial: route }),
  ...(dcKey.data && { serverPublicKey: dcKey.data }),
});

async function createSession(): Promise<void> {
  if (existsSync(target)) {
    const answer = await prompts.ask(`${target} already exists. Replace it with a new login? [y/N] `);
    if (!/^y(es)?$/i.test(answer)) {
      prompts.say(`Kept ${target}. To make another session, name another file: pnpm session other.session`);
      process.exitCode = 1;
      return;
    }
  }
  const where = route ? `${route.start.host}:${route.start.port}` : "Telegram";
  if (!(await client.connect()))
    throw new LoginStopped(`cannot connect to ${where}; check the network (and TG_DC)`);
  if (route) {
    // Learn the server's data centres, so that PHONE_MIGRATE_X lands where the server says, and
    // name the DC this session starts on (an empty gramjs session claims DC 4).
    const config = (await client.invoke(new Api.help.GetConfig())) as Api.Config;
    route.learn(config);
    client.session.setDC(config.thisDc, route.start.host, 443);
  }
  const me = await logInByPhone(client, prompts, { apiId: Number(apiId.data), apiHash: apiHash as string });
  writeSessionFile(target, String(client.session.save()));
  const name = me.username ? `@${me.username}` : (me.firstName ?? "the account");
  prompts.say(
    `Logged in as ${name}. The session is in ${target} (readable by you only; keep it secret and out of git).`,
  );
  const home = route?.targetFor(client.session.dcId);
  const dcHint =
    home && (home.host !== route?.start.host || home.port !== route?.start.port)
      ? ` TG_DC=${home.host}:${home.port} (the account's data centre)`
      : route
        ? ` TG_DC=${route.start.host}:${route.start.port}`
        : "";
  prompts.say(`Start the worker with TG_SESSION_FILE=${target}${dcHint}.`);
}

const cancelled = new Promise<never>((_resolve, reject) =>
  prompts.cancelled.addEventListener("abort", () => reject(new LoginCancelled("cancelled")), { once: true }),
);
try {
  await Promise.race([createSession(), cancelled]);
} catch (error) {
  if (error instanceof LoginCancelled) {
    process.stderr.write("\nStopped: no session file was written.\n");
    process.exitCode = 130;
  } else if (error instanceof LoginStopped) {
    process.stderr.write(`No session file was written.\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`pnpm session failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
} finally {
  prompts.close();
  await client.destroy().catch(() => undefined);
  // gramjs may keep timers of an interrupted request: the result is decided, so leave now.
  process.exit(process.exitCode ?? 0);
}
