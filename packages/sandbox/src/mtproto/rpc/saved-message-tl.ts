import { Api } from "telegram";
import type { WorldMessage } from "../../world/types.ts";
import type { TlWriter } from "../tl/tl-writer.ts";
import { documentMediaToTl } from "./document-tl.ts";
import { long } from "./tl-mappers.ts";

/** A message in `accountId`'s Saved Messages: outgoing, in the chat with itself (peerUser self). */
export function savedMessageToTl(message: WorldMessage, accountId: number): Api.Message {
  const document = message.document;
  return new Api.Message({
    out: true,
    id: message.id,
    peerId: new Api.PeerUser({ userId: long(accountId) }),
    date: message.date,
    message: message.text ?? "",
    ...(document && { media: documentMediaToTl(document, message.date) }),
  });
}

/** updateNewMessage for a saved message (private chats use the account-wide pts; id stands in). */
export function writeSavedMessageUpdate(w: TlWriter, message: WorldMessage, accountId: number): void {
  w.uint(Api.UpdateNewMessage.CONSTRUCTOR_ID >>> 0);
  w.raw(savedMessageToTl(message, accountId).getBytes());
  w.int(message.id).int(1);
}
