import { Api } from "telegram";
import { generateRandomLong } from "telegram/Helpers.js";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { updatesIn } from "../telegram/updates-in.ts";

/** How far back in Saved Messages a recording is looked for (newest first). */
const SAVED_MESSAGES_LOOKBACK = 20;

/**
 * The recordings in the assistant's Saved Messages sent at or after `sinceDate` (unix seconds),
 * most likely first: Telegram puts a stopped recording there as an audio or video file
 * (core.telegram.org/method/phone.toggleGroupCallRecord), some time after the stop. Telegram
 * names no call in it, so with `title` (the title the recording was started with, which names
 * the file) files of that name come first, newest first; then the others, earliest first (the
 * one stopped first). The caller skips files another forward already took (RecordingClaims).
 */
export async function findRecordings(
  invoke: InvokeTelegram,
  sinceDate: number,
  title?: string,
): Promise<Api.Message[]> {
  const history = await invoke(
    new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), limit: SAVED_MESSAGES_LOOKBACK }),
  );
  if (!("messages" in history)) return [];
  // History comes newest first.
  const files = history.messages.filter(
    (message): message is Api.Message =>
      message instanceof Api.Message &&
      message.date >= sinceDate &&
      message.media instanceof Api.MessageMediaDocument,
  );
  const isNamed = (message: Api.Message) =>
    title !== undefined && fileNameOf(message)?.startsWith(`${title}.`) === true;
  return [...files.filter(isNamed), ...files.filter((message) => !isNamed(message)).reverse()];
}

/** The most likely recording since `sinceDate` (findRecordings), if any. */
export async function findRecording(
  invoke: InvokeTelegram,
  sinceDate: number,
  title?: string,
): Promise<Api.Message | undefined> {
  return (await findRecordings(invoke, sinceDate, title))[0];
}

function fileNameOf(message: Api.Message): string | undefined {
  const document = message.media instanceof Api.MessageMediaDocument ? message.media.document : undefined;
  if (!(document instanceof Api.Document)) return undefined;
  const attribute = document.attributes.find(
    (item): item is Api.DocumentAttributeFilename => item instanceof Api.DocumentAttributeFilename,
  );
  return attribute?.fileName;
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
  for (const update of updatesIn(updates)) {
    if (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateNewMessage)
      return update.message.id;
  }
  return undefined;
}
