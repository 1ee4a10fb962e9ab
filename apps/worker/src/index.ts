// The userbot worker: consumes the calls queue (create-call, call-action and recurring-occurrence jobs)
// with a gramjs client, reports on the results queue.

export { PUSHES_TRUSTED_FOR_MINUTES } from "./empty-watch/empty-watch-job.ts";
export { AccountLockHeldError, acquireAccountLock, seenKeyOf } from "./lock/account-lock.ts";
export { accountLockKey } from "./lock/account-lock-key.ts";
export { PeerCache } from "./peers/peer-cache.ts";
export {
  type CallWorker,
  type StartCallWorkerOptions,
  startCallWorker,
} from "./start-worker.ts";
export { createUserbotClient } from "./telegram/create-userbot-client.ts";
export { userbotClientFromConfig } from "./telegram/userbot-client-from-config.ts";
