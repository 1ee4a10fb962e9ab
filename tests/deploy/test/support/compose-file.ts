import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  secrets?: Array<{ source: string; target: string }>;
  user?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

/** Reads a compose file as Compose does: anchors and `<<` merge keys resolved. */
export function readComposeFile(path: string): ComposeFile {
  return parse(readFileSync(path, "utf8"), { merge: true }) as ComposeFile;
}

/** Keys of an env file (KEY=value lines; comments and blank lines skipped). */
export function envFileKeys(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split("=")[0] ?? "");
}

/** A Dockerfile's instructions in order, continuation lines joined. */
export function readDockerfile(path: string): Array<{ instruction: string; args: string }> {
  return readFileSync(path, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [instruction = "", ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(" ") };
    });
}

/** Seconds of a compose duration like "25s", "1m30s". */
export function durationSeconds(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(h|m|s)/g)) {
    total += Number(amount) * (unit === "h" ? 3600 : unit === "m" ? 60 : 1);
  }
  return total;
}
