import { parseArgs } from "node:util";
import { startSandbox } from "./sandbox.ts";

/**
 * `pnpm sandbox`: runs the sandbox until SIGINT/SIGTERM. Prints ONE JSON line on stdout (what a
 * bot and a worker need to connect); everything else goes to stderr so the line can be piped.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      world: { type: "string" },
      host: { type: "string" },
      "bot-api-port": { type: "string" },
      "mtproto-port": { type: "string" },
      "second-dc-port": { type: "string" },
      "control-port": { type: "string" },
      "no-rate-limits": { type: "boolean" },
    },
  });
  const port = (name: string, value: string | undefined) => {
    if (value === undefined) return 0;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > 65535)
      throw new Error(`--${name} must be a port number`);
    return number;
  };
  const sandbox = await startSandbox({
    ...(values.world && { world: values.world }),
    ...(values.host && { host: values.host }),
    ports: {
      botApi: port("bot-api-port", values["bot-api-port"]),
      mtproto: port("mtproto-port", values["mtproto-port"]),
      secondDc: port("second-dc-port", values["second-dc-port"]),
      control: port("control-port", values["control-port"]),
    },
    ...(values["no-rate-limits"] && { rateLimits: false as const }),
    onInternalError: (method, error) => console.error(`[sandbox] internal error in ${method}:`, error),
  });
  const { info } = sandbox;
  process.stdout.write(
    `${JSON.stringify({
      botApiRoot: info.botApiRoot,
      botToken: info.botToken,
      botId: info.botId,
      botUsername: info.botUsername,
      mtproto: info.mtproto,
      dataCentres: info.dataCentres,
      publicKey: info.publicKey,
      apiId: info.apiId,
      apiHash: info.apiHash,
      sessions: info.sessions,
      control: info.control,
    })}\n`,
  );
  console.error(
    `[sandbox] Bot API ${info.botApiRoot}, MTProto ${info.mtproto.host}:${info.mtproto.port}, control ${info.control}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`[sandbox] ${signal}: closing`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[sandbox] close failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("[sandbox] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
