import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchResult } from "../run-bench.ts";
import { evaluateTargets } from "./evaluate-targets.ts";
import { renderMarkdown } from "./render-markdown.ts";

/** Writes latest.json (everything, with the targets) and latest.md (the table); returns the table. */
export async function writeResults(result: BenchResult, outDir: string): Promise<string> {
  const markdown = renderMarkdown(result);
  await mkdir(outDir, { recursive: true });
  const json = { ...result, targets: evaluateTargets(result) };
  await writeFile(join(outDir, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(outDir, "latest.md"), markdown);
  return markdown;
}
