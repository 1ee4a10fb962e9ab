import { Api } from "telegram";
import { MTProtoState } from "telegram/network/MTProtoState.js";

/** The hook patches/telegram@2.26.22.patch adds to gramjs (process-wide). */
type PushedUpdateFilter = { keepPushedUpdate?: ((objectBytes: Buffer) => boolean) | undefined };

/** updateGroupCall's constructor id as it is on the wire (TL: 4 bytes, least significant first). */
const UPDATE_GROUP_CALL_ID = Buffer.alloc(4);
UPDATE_GROUP_CALL_ID.writeUInt32LE(Api.UpdateGroupCall.CONSTRUCTOR_ID);

/**
 * Telegram pushes the assistant an update for every message in every chat it is in (the /newcall,
 * the bot's reply and edits, service messages); gramjs decoded each one into TL objects (about a
 * eighth of the worker's busy time at the maximum rate) for the worker to use one kind:
 * updateGroupCall (followParticipantCounts). With this, a pushed update whose bytes do not hold
 * updateGroupCall's constructor id anywhere is acknowledged and dropped before its decode. A
 * byte match elsewhere (an id, padding) only means it is decoded as before, so no
 * updateGroupCall is ever lost. Answers to the worker's own requests (rpc_result) are never
 * skipped: the updates a createGroupCall answers with are read as always. Process-wide: every
 * gramjs client of this process skips them from now on.
 */
export function skipUnusedPushedUpdates(): void {
  (MTProtoState as unknown as PushedUpdateFilter).keepPushedUpdate = (objectBytes) =>
    objectBytes.includes(UPDATE_GROUP_CALL_ID);
}
