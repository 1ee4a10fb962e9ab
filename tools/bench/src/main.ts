// `pnpm bench`: the whole pipeline against the sandbox, measured; see README "Benchmark".
import { fileURLToPath } from "node:url";
import { parseBenchArgs, USAGE } from "./options.ts";
import { writeResults } from "./report/write-results.ts";
import { runBench } from "./run-bench.ts";

const DEFAULT_OUT_DIR = fileURLToPath(new URL("../results/", import.meta.url));

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

try {
  const result = await runBench(parsed.options, (line) => process.stderr.write(`[bench] ${line}\n`));
  const table = await writeResults(result, parsed.outDir ?? DEFAULT_OUT_DIR);
  process.stdout.write(table);
  // The sandbox's and gramjs's leftover timers must not keep a finished run alive.
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
