export { chooseLaunchMode, type LaunchMode, TELEGRAM_CREDENTIAL_VARIABLES } from "./choose-mode.ts";
export { DEMO_CAST, type DemoCast, runTerminalChat } from "./terminal-chat.ts";
