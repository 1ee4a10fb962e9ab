import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inputChannelOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

describe("channels.getParticipants over MTProto, with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  async function list(
    filter: Api.TypeChannelParticipantsFilter,
    offset = 0,
    limit = 200,
    chat: number = DEMO.community,
  ) {
    const client = await bed.connect();
    const answer = await client.invoke(
      new Api.channels.GetParticipants({
        channel: inputChannelOf(bed.world, chat),
        filter,
        offset,
        limit,
        hash: returnBigInt(0),
      }),
    );
    if (!(answer instanceof Api.channels.ChannelParticipants)) throw new Error("not ChannelParticipants");
    return answer;
  }

  it("the admins filter lists the owner as creator and each admin with their rights, and their users", async () => {
    const admins = await list(new Api.ChannelParticipantsAdmins());
    const byId = new Map(
      admins.participants.map((p) => [(p as { userId: { toString(): string } }).userId.toString(), p]),
    );
    expect(byId.get(String(DEMO.ownerId))).toBeInstanceOf(Api.ChannelParticipantCreator);
    const adam = byId.get("1002") as Api.ChannelParticipantAdmin;
    expect(adam).toBeInstanceOf(Api.ChannelParticipantAdmin);
    expect(adam.adminRights.manageCall).toBe(true);
    const nina = byId.get("1003") as Api.ChannelParticipantAdmin;
    expect(nina.adminRights.manageCall).toBeFalsy();
    expect(byId.has("1004")).toBe(false); // a plain member is no admin
    expect(admins.count).toBe(admins.participants.length);
    const userIds = admins.users.map((u) => u.id.toString()).sort();
    expect(userIds).toEqual([...byId.keys()].sort());
  });

  it("a revoked right shows at once; the recent filter lists plain members; offset and limit page", async () => {
    bed.world.setRole(1500000001, 1002, { status: "member" });
    const admins = await list(new Api.ChannelParticipantsAdmins());
    expect(
      admins.participants.map((p) => (p as { userId: { toString(): string } }).userId.toString()),
    ).not.toContain("1002");
    const recent = await list(new Api.ChannelParticipantsRecent());
    expect(recent.participants.some((p) => p instanceof Api.ChannelParticipant)).toBe(true);
    const page = await list(new Api.ChannelParticipantsRecent(), 1, 1);
    expect(page.participants).toHaveLength(1);
    expect(page.count).toBe(recent.count);
  });

  it("admin lists (adminListAccess): any supergroup member may read them; in a channel only admins, unless any-member", async () => {
    // The assistant becomes a plain member of both chats.
    bed.world.setRole(DEMO.community, DEMO.userbotId, { status: "member" });
    bed.world.setRole(DEMO.channel, DEMO.userbotId, { status: "member" });
    const adminIds = async (chat: number) =>
      (await list(new Api.ChannelParticipantsAdmins(), 0, 200, chat)).participants.map((p) =>
        (p as { userId: { toString(): string } }).userId.toString(),
      );

    expect(await adminIds(DEMO.community)).toContain(String(DEMO.ownerId));
    const refused = await list(new Api.ChannelParticipantsAdmins(), 0, 200, DEMO.channel).catch((e) => e);
    expect({ code: refused.code, errorMessage: refused.errorMessage }).toEqual({
      code: 403,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    // A channel's subscriber list is for its admins whatever the setting.
    bed.world.configure({ adminListAccess: "any-member" });
    expect(await adminIds(DEMO.channel)).toContain(String(DEMO.ownerId));
    const recent = await list(new Api.ChannelParticipantsRecent(), 0, 200, DEMO.channel).catch((e) => e);
    expect(recent.errorMessage).toBe("CHAT_ADMIN_REQUIRED");
  });
});
