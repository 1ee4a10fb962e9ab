export * from "./contract/call-request.ts";
export * from "./contract/call-result.ts";
export * from "./contract/queue-names.ts";
export * from "./contract/results-message.ts";
export * from "./contract/userbot-identity.ts";
export * from "./contract/worker-alert.ts";
