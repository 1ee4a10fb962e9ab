import type { CallRef } from "@callbot/shared";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { readChatCallRef } from "./read-chat-current-call.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

/** Runs one request on a call, given the InputGroupCall to name it by. */
export type ActOnCall = <T>(request: (call: Api.InputGroupCall) => Promise<T>) => Promise<T>;

/**
 * How a call action names the chat's call. First by the reference the request carries (the id
 * and access hash the account that made the call reported): a call's access hash is the call's
 * own, so any account may use it, at no extra request. Should Telegram refuse that reference
 * (400 GROUPCALL_INVALID: were access hashes per account, which Telegram does not document, the
 * sandbox's callAccessHashes setting), the chat's current call is read as this account is given
 * it (channelFull.call / chatFull.call): when that is the same call, the request is made again
 * with it, and later requests of the action use it; otherwise the refusal stands (the call has
 * ended, and the caller reads it so).
 */
export function actOnChatCall(invoke: InvokeTelegram, target: ResolvedTarget, call: CallRef): ActOnCall {
  let ownReference: Api.InputGroupCall | undefined;
  return async (request) => {
    if (ownReference) return request(ownReference);
    try {
      return await request(inputCallOf(call));
    } catch (error) {
      if (readTelegramFailure(error).errorName !== "GROUPCALL_INVALID") throw error;
      const current = await readChatCallRef(invoke, target);
      if (!current || current.id.toString() !== call.id || current.accessHash.toString() === call.accessHash)
        throw error;
      ownReference = current;
      return request(current);
    }
  };
}

/** The call's InputGroupCall from the contract's reference. */
export function inputCallOf(call: Pick<CallRef, "id" | "accessHash">): Api.InputGroupCall {
  return new Api.InputGroupCall({ id: returnBigInt(call.id), accessHash: returnBigInt(call.accessHash) });
}
