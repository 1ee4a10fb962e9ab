// `pnpm run doctor` (plain `pnpm doctor` is pnpm's own check of pnpm): checks a deployment before it goes live, one line per check; exit code 0 only
// when nothing failed (warnings allowed), 1 otherwise.
import { exitCodeOf, formatCheck } from "./check-result.ts";
import { runDoctor } from "./run-doctor.ts";

const results = await runDoctor(process.env, (result) => process.stdout.write(`${formatCheck(result)}\n`));
const code = exitCodeOf(results);
process.stdout.write(
  code === 0 ? "\nAll checks passed.\n" : "\nFix the ❌ lines above, then run `pnpm run doctor` again.\n",
);
process.exit(code);
