import { Api } from "telegram";
import type { WorldDocument, WorldMessage } from "../../world/types.ts";
import type { TlWriter } from "../tl/tl-writer.ts";
import { long } from "./tl-mappers.ts";

/** The data centre the sandbox says files live on (document.dc_id); nothing downloads them. */
const FILES_DC = 2;

/**
 * A document as MTProto shows it: audio recordings with documentAttributeAudio (duration,
 * title), video recordings with documentAttributeVideo (duration, w, h, supports_streaming),
 * both with the file name (ct:constructor/document, ct:type/DocumentAttribute).
 */
export function documentToTl(document: WorldDocument, date: number): Api.Document {
  const media =
    document.kind === "video"
      ? new Api.DocumentAttributeVideo({
          supportsStreaming: true,
          duration: document.durationSeconds,
          w: document.width ?? 0,
          h: document.height ?? 0,
        })
      : new Api.DocumentAttributeAudio({
          duration: document.durationSeconds,
          ...(document.title !== undefined && { title: document.title }),
        });
  return new Api.Document({
    id: long(document.id),
    accessHash: long(document.accessHash),
    fileReference: Buffer.alloc(0),
    date,
    mimeType: document.mimeType,
    size: long(document.size),
    dcId: FILES_DC,
    attributes: [media, new Api.DocumentAttributeFilename({ fileName: document.fileName })],
  });
}

/** A message in `accountId`'s Saved Messages: outgoing, in the chat with itself (peerUser self). */
export function savedMessageToTl(message: WorldMessage, accountId: number): Api.Message {
  const document = message.document;
  return new Api.Message({
    out: true,
    id: message.id,
    peerId: new Api.PeerUser({ userId: long(accountId) }),
    date: message.date,
    message: message.text ?? "",
    ...(document && {
      media: new Api.MessageMediaDocument({
        document: documentToTl(document, message.date),
        ...(document.kind === "video" && { video: true }),
      }),
    }),
  });
}

/** updateNewMessage for a saved message (private chats use the account-wide pts; id stands in). */
export function writeSavedMessageUpdate(w: TlWriter, message: WorldMessage, accountId: number): void {
  w.uint(Api.UpdateNewMessage.CONSTRUCTOR_ID >>> 0);
  w.raw(savedMessageToTl(message, accountId).getBytes());
  w.int(message.id).int(1);
}
