import { Api, type TelegramClient } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { World } from "../../src/world/world.ts";
import { groupCallIn, inputCallOf, inputPeerOf } from "./gramjs-peers.ts";
import { DEMO, type GramjsTestbed } from "./gramjs-session.ts";
import { UpdateRecorder } from "./gramjs-updates.ts";

let nextRandomId = 100;

/** A live call created by `client` in a chat (native id); `account` is the client's user id. */
export async function liveCall(
  client: TelegramClient,
  world: World,
  chatNativeId: number,
  account = world.userbotIds[0]!,
): Promise<Api.InputGroupCall> {
  nextRandomId += 1;
  const updates = await client.invoke(
    new Api.phone.CreateGroupCall({
      peer: inputPeerOf(world, chatNativeId, account),
      randomId: nextRandomId,
      title: "Live",
    }),
  );
  return inputCallOf(groupCallIn(updates));
}

/** The InputUser `accountId` holds for a world user (access hashes are per account). */
export function inputUserOf(world: World, userId: number, accountId = world.userbotIds[0]!): Api.InputUser {
  return new Api.InputUser({
    userId: returnBigInt(userId),
    accessHash: returnBigInt(world.accessHash("user", userId, accountId)),
  });
}

export const isGroupCallUpdate = (u: Api.TypeUpdate): u is Api.UpdateGroupCall =>
  u instanceof Api.UpdateGroupCall;

/**
 * The assistant connected with an update recorder (settled: the event handler's own first
 * request is done) and a live call it created in Demo Community.
 */
export async function watchedAssistantWithCall(bed: GramjsTestbed) {
  const assistant = await bed.connect();
  const updates = new UpdateRecorder(assistant);
  await assistant.getMe();
  const call = await liveCall(assistant, bed.world, DEMO.community);
  return { assistant, updates, call };
}
