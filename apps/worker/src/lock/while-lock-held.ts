import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { type AccountLock, AccountLockLostError } from "./account-lock.ts";

/** Refuses to send anything once the account lock is lost: another worker may be using the account. */
export function whileLockHeld(lock: AccountLock, invoke: InvokeTelegram): InvokeTelegram {
  return (request) => (lock.held() ? invoke(request) : Promise.reject(new AccountLockLostError()));
}
