import type { Env } from "@callbot/shared";

/** The variables that only a real deployment has; any one of them means "production". */
export const TELEGRAM_CREDENTIAL_VARIABLES = [
  "BOT_TOKEN",
  "TG_API_ID",
  "TG_API_HASH",
  "TG_SESSION",
  "TG_SESSION_FILE",
] as const;

export type LaunchMode = "production" | "sandbox";

/**
 * `pnpm start` runs against Telegram when any Telegram credential is set, and against the local
 * sandbox when none is. A half-filled production config is not silently turned into a demo: the
 * config loaders then list what is missing.
 */
export function chooseLaunchMode(env: Env): LaunchMode {
  return TELEGRAM_CREDENTIAL_VARIABLES.some((name) => (env[name] ?? "").trim() !== "")
    ? "production"
    : "sandbox";
}
