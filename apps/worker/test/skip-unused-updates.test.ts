import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { MTProtoState } from "telegram/network/MTProtoState.js";
import { afterAll, describe, expect, it } from "vitest";
import { skipUnusedPushedUpdates } from "../src/telegram/skip-unused-updates.ts";

// patches/telegram@2.26.22.patch: gramjs asks MTProtoState.skipsPushedUpdate before it decodes
// a message's object (alone or inside a msg_container); a skipped one is acknowledged and dropped.
const skips = (object: { getBytes(): Buffer }) =>
  (MTProtoState as unknown as { skipsPushedUpdate(bytes: Buffer): boolean }).skipsPushedUpdate(
    object.getBytes(),
  );
const filter = MTProtoState as unknown as { keepPushedUpdate?: unknown };

const message = (text: string) =>
  new Api.UpdateShortChatMessage({
    id: 7,
    fromId: returnBigInt(1001),
    chatId: returnBigInt(1500000001),
    message: text,
    pts: 10,
    ptsCount: 1,
    date: 1_800_000_000,
  });
const groupCall = new Api.UpdateGroupCall({
  chatId: returnBigInt(1500000001),
  call: new Api.GroupCall({
    id: returnBigInt(42),
    accessHash: returnBigInt(43),
    participantsCount: 0,
    version: 1,
    unmutedVideoLimit: 0,
  }),
});
const pushed = (...updates: Api.TypeUpdate[]) =>
  new Api.Updates({ updates, users: [], chats: [], date: 1_800_000_000, seq: 0 });

describe("pushed updates the worker has no use for are not decoded", () => {
  const before = filter.keepPushedUpdate;
  afterAll(() => {
    filter.keepPushedUpdate = before;
  });

  it("without the worker's filter gramjs decodes everything, as upstream does", () => {
    filter.keepPushedUpdate = undefined;
    expect(skips(message("/newcall Standup"))).toBe(false);
    expect(
      skips(
        pushed(new Api.UpdateNewMessage({ message: new Api.MessageEmpty({ id: 1 }), pts: 1, ptsCount: 1 })),
      ),
    ).toBe(false);
  });

  it("skips messages and other updates; keeps every updateGroupCall (auto-end) and never an answer", () => {
    skipUnusedPushedUpdates();
    expect(skips(message("/newcall Standup"))).toBe(true);
    expect(
      skips(
        new Api.UpdateShort({
          update: new Api.UpdateChannelTooLong({ channelId: returnBigInt(1) }),
          date: 1,
        }),
      ),
    ).toBe(true);
    expect(
      skips(
        pushed(new Api.UpdateNewMessage({ message: new Api.MessageEmpty({ id: 1 }), pts: 1, ptsCount: 1 })),
      ),
    ).toBe(true);
    // updateGroupCall alone, beside others, and in updateShort: decoded, so followParticipantCounts hears it.
    expect(skips(pushed(groupCall))).toBe(false);
    expect(
      skips(
        pushed(
          new Api.UpdateNewMessage({ message: new Api.MessageEmpty({ id: 1 }), pts: 1, ptsCount: 1 }),
          groupCall,
        ),
      ),
    ).toBe(false);
    expect(skips(new Api.UpdateShort({ update: groupCall, date: 1 }))).toBe(false);
    // Not a pushed update: answers to requests and service objects are always decoded.
    expect(skips(new Api.UpdateShortSentMessage({ id: 1, pts: 1, ptsCount: 1, date: 1 }))).toBe(false);
    expect(skips(new Api.Pong({ msgId: returnBigInt(1), pingId: returnBigInt(2) }))).toBe(false);
  });
});
