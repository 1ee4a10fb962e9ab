export * from "./contract/call-request.ts";
export * from "./contract/call-result.ts";
export * from "./contract/queue-names.ts";
