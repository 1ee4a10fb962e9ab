import { Api } from "telegram";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { updatesIn } from "../telegram/updates-in.ts";
import type { ActOnCall } from "./act-on-chat-call.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

/** Users per phone.inviteToGroupCall: TDLib's documented maximum and tdesktop's slice (kMaxInvitePerSlice). */
export const INVITE_BATCH_SIZE = 10;

/** What became of one user's invitation; every user asked for gets one. */
export interface InviteAttempt {
  userId: number;
  outcome: "invited" | "already-invited" | "left-out" | "refused";
  /** For "refused": Telegram's reason (USER_NOT_PARTICIPANT: not in the chat). */
  errorName?: string;
}

/**
 * Refusals that concern single users of a batch: asked again one by one to say whose.
 * USER_ID_INVALID: a user addressed through a message Telegram no longer accepts (deleted).
 */
const PER_USER_ERRORS = new Set(["USER_ALREADY_INVITED", "USER_NOT_PARTICIPANT", "USER_ID_INVALID"]);

/** A user as an invitation names them: with the assistant's access hash, or through a message they sent. */
export type InvitableUser = Api.InputUser | Api.InputUserFromMessage;

/**
 * Invites users to a live call in batches Telegram allows, and reports each user's outcome.
 * A batch refused for some of its users is asked again user by user; a batch Telegram finds too
 * long (USERS_TOO_MUCH) is halved. Users Telegram leaves out of its service message without an
 * error are "left-out". Other refusals (rights, the call ended, floods) are thrown: a retry of
 * the job finds the users invited so far as "already-invited".
 *
 * The call is named through `onCall` (actOnChatCall), as every other in-call control names it:
 * a reference Telegram refuses (another account's access hash) is replaced by the chat's own
 * call once, and every later batch uses that.
 */
export async function inviteToCall(
  invoke: InvokeTelegram,
  onCall: ActOnCall,
  users: InvitableUser[],
): Promise<InviteAttempt[]> {
  const attempts: InviteAttempt[] = [];
  for (let start = 0; start < users.length; start += INVITE_BATCH_SIZE) {
    attempts.push(...(await inviteBatch(invoke, onCall, users.slice(start, start + INVITE_BATCH_SIZE))));
  }
  return attempts;
}

async function inviteBatch(
  invoke: InvokeTelegram,
  call: ActOnCall,
  batch: InvitableUser[],
): Promise<InviteAttempt[]> {
  const idOf = (user: InvitableUser) => user.userId.toJSNumber();
  try {
    const invited = invitedIn(
      await call((input) => invoke(new Api.phone.InviteToGroupCall({ call: input, users: batch }))),
    );
    return batch.map((user) => ({
      userId: idOf(user),
      outcome: invited.has(idOf(user)) ? "invited" : "left-out",
    }));
  } catch (error) {
    const { errorName } = readTelegramFailure(error);
    if (errorName === "USERS_TOO_MUCH" && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      return [
        ...(await inviteBatch(invoke, call, batch.slice(0, half))),
        ...(await inviteBatch(invoke, call, batch.slice(half))),
      ];
    }
    if (!PER_USER_ERRORS.has(errorName)) throw error;
    if (batch.length > 1) {
      const one: InviteAttempt[] = [];
      for (const user of batch) one.push(...(await inviteBatch(invoke, call, [user])));
      return one;
    }
    const userId = idOf(batch[0]!);
    return [
      errorName === "USER_ALREADY_INVITED"
        ? { userId, outcome: "already-invited" }
        : { userId, outcome: "refused", errorName },
    ];
  }
}

/** The users the answer's service message (messageActionInviteToGroupCall) names. */
function invitedIn(updates: Api.TypeUpdates): Set<number> {
  const ids = new Set<number>();
  for (const update of updatesIn(updates)) {
    if (!(update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateNewMessage)) continue;
    const action = update.message instanceof Api.MessageService ? update.message.action : undefined;
    if (action instanceof Api.MessageActionInviteToGroupCall)
      for (const id of action.users) ids.add(id.toJSNumber());
  }
  return ids;
}
