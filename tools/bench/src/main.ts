// `pnpm bench`: the whole pipeline against the sandbox, measured; see README "Benchmark".
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseBenchArgs, USAGE } from "./options.ts";
import { renderReminders, runReminders } from "./reminders/run-reminders.ts";
import { writeResults } from "./report/write-results.ts";
import { runBench } from "./run-bench.ts";
import { renderScaleOut } from "./scale/render-scale-out.ts";
import { renderBotReplicas, runBotReplicas } from "./scale/run-bot-replicas.ts";
import { runScaleOut } from "./scale/run-scale-out.ts";
import {
  parseScaleBotsArgs,
  parseScaleOutArgs,
  SCALE_BOTS_USAGE,
  SCALE_USAGE,
} from "./scale/scale-options.ts";

const DEFAULT_OUT_DIR = fileURLToPath(new URL("../results/", import.meta.url));

// `--reminders [--subscribers N]`: 🔔 subscribers of one call reminded against Telegram's limits.
const remindersArgs = process.argv.slice(2).filter((arg) => arg !== "--");
if (remindersArgs.includes("--reminders")) {
  const at = remindersArgs.indexOf("--subscribers");
  const subscribers = at === -1 ? 1000 : Number(remindersArgs[at + 1]);
  if (!Number.isInteger(subscribers) || subscribers < 1) {
    process.stderr.write("--subscribers must be a positive whole number\n");
    process.exit(2);
  }
  const result = await runReminders(
    { redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", subscribers },
    (line) => process.stderr.write(`[bench] ${line}\n`),
  );
  await mkdir(DEFAULT_OUT_DIR, { recursive: true });
  const table = renderReminders(result);
  await writeFile(join(DEFAULT_OUT_DIR, "reminders.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(DEFAULT_OUT_DIR, "reminders.md"), table);
  process.stdout.write(table);
  process.exit(0);
}

let scaleBots: ReturnType<typeof parseScaleBotsArgs>;
let scaleOut: ReturnType<typeof parseScaleOutArgs>;
try {
  scaleBots = parseScaleBotsArgs(process.argv.slice(2), process.env);
  scaleOut = scaleBots ? undefined : parseScaleOutArgs(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n\n${SCALE_BOTS_USAGE}\n\n${SCALE_USAGE}\n`,
  );
  process.exit(2);
}
/** Runs a measurement, prints its table and exits: 0 when it ran, 1 (with the reason) when not. */
async function runAndExit(measure: () => Promise<string>): Promise<never> {
  try {
    process.stdout.write(await measure());
    // The sandbox's and gramjs's leftover timers must not keep a finished run alive.
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Writes `<name>.json` (the result) and `<name>.md` (its table) into `outDir`; returns the table. */
async function writeReport(outDir: string, name: string, result: unknown, table: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, `${name}.md`), table);
  return table;
}

if (scaleBots) {
  const { options, outDir = DEFAULT_OUT_DIR } = scaleBots;
  await runAndExit(async () => {
    const result = await runBotReplicas(options, progress);
    return writeReport(outDir, "scale-bots", result, renderBotReplicas(result));
  });
}

if (scaleOut) {
  const { options, outDir = DEFAULT_OUT_DIR } = scaleOut;
  await runAndExit(async () => {
    const result = await runScaleOut(options, progress);
    return writeReport(outDir, "scale-out", result, renderScaleOut(result));
  });
}

let parsed: ReturnType<typeof parseBenchArgs>;
try {
  parsed = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const { options: benchOptions, outDir: benchOutDir = DEFAULT_OUT_DIR } = parsed;
await runAndExit(async () => writeResults(await runBench(benchOptions, progress), benchOutDir));
