import { Api } from "telegram";
import { generateRandomLong } from "telegram/Helpers.js";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";

/** How far back in Saved Messages a recording is looked for (newest first). */
const SAVED_MESSAGES_LOOKBACK = 20;

/**
 * The newest recording in the assistant's Saved Messages sent at or after `sinceDate` (unix
 * seconds): Telegram puts a stopped recording there as an audio or video file
 * (core.telegram.org/method/phone.toggleGroupCallRecord), some time after the stop.
 */
export async function findRecording(
  invoke: InvokeTelegram,
  sinceDate: number,
): Promise<Api.Message | undefined> {
  const history = await invoke(
    new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), limit: SAVED_MESSAGES_LOOKBACK }),
  );
  if (!("messages" in history)) return undefined;
  return history.messages.find(
    (message): message is Api.Message =>
      message instanceof Api.Message &&
      message.date >= sinceDate &&
      message.media instanceof Api.MessageMediaDocument,
  );
}

/** Forwards a saved recording into a chat; answers the id of the copy there, if Telegram named it. */
export async function forwardRecording(
  invoke: InvokeTelegram,
  messageId: number,
  toPeer: Api.TypeInputPeer,
): Promise<number | undefined> {
  const updates = await invoke(
    new Api.messages.ForwardMessages({
      fromPeer: new Api.InputPeerSelf(),
      id: [messageId],
      randomId: [generateRandomLong()],
      toPeer,
    }),
  );
  const list =
    updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined ? updates.updates : [];
  for (const update of list) {
    if (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateNewMessage)
      return update.message.id;
  }
  return undefined;
}
