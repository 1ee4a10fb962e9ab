import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { WorldGroupCall } from "../../src/world/types.ts";
import type { World } from "../../src/world/world.ts";

/**
 * The Input* peer a client would hold for a world chat, with the access hash the sandbox issued
 * to `accountId` (the fixture's first userbot unless named: access hashes are per account).
 */
export function inputPeerOf(
  world: World,
  chatNativeId: number,
  accountId = world.userbotIds[0]!,
): Api.TypeInputPeer {
  const chat = world.getChat(chatNativeId);
  if (!chat) throw new Error(`no chat ${chatNativeId} in the test world`);
  return chat.type === "group"
    ? new Api.InputPeerChat({ chatId: returnBigInt(chat.id) })
    : new Api.InputPeerChannel({
        channelId: returnBigInt(chat.id),
        accessHash: returnBigInt(world.accessHash("chat", chat.id, accountId)),
      });
}

export function inputChannelOf(
  world: World,
  chatNativeId: number,
  accountId = world.userbotIds[0]!,
): Api.InputChannel {
  const chat = world.getChat(chatNativeId);
  if (!chat) throw new Error(`no chat ${chatNativeId} in the test world`);
  return new Api.InputChannel({
    channelId: returnBigInt(chat.id),
    accessHash: returnBigInt(world.accessHash("chat", chat.id, accountId)),
  });
}

export function inputCallOf(call: WorldGroupCall | Api.TypeGroupCall): Api.InputGroupCall {
  return new Api.InputGroupCall({
    id: returnBigInt(call.id.toString()),
    accessHash: returnBigInt(call.accessHash.toString()),
  });
}

/** The groupCall an Updates answer carries (what TDLib and the worker take as the created call). */
export function groupCallIn(updates: Api.TypeUpdates): Api.GroupCall | Api.GroupCallDiscarded {
  if (!(updates instanceof Api.Updates)) throw new Error(`expected Updates, got ${updates.className}`);
  const update = updates.updates.find((u): u is Api.UpdateGroupCall => u instanceof Api.UpdateGroupCall);
  if (!update) throw new Error("Updates without updateGroupCall");
  const call = update.call;
  if (!(call instanceof Api.GroupCall || call instanceof Api.GroupCallDiscarded))
    throw new Error("unexpected call type");
  return call;
}

/** The service message an Updates answer carries, if any. */
export function serviceMessageIn(updates: Api.TypeUpdates): Api.MessageService | undefined {
  if (!(updates instanceof Api.Updates)) return undefined;
  for (const update of updates.updates) {
    if (
      (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateNewMessage) &&
      update.message instanceof Api.MessageService
    ) {
      return update.message;
    }
  }
  return undefined;
}

/** Runs `invoke` and returns the RPC error it failed with (or throws if it succeeded). */
export async function rpcErrorOf(invoke: Promise<unknown>): Promise<{ code: number; errorMessage: string }> {
  try {
    await invoke;
  } catch (error) {
    const { code, errorMessage } = error as { code?: number; errorMessage?: string };
    if (typeof code === "number" && typeof errorMessage === "string") return { code, errorMessage };
    throw error;
  }
  throw new Error("expected an RPC error, but the call succeeded");
}
