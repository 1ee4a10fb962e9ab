import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { WorldDocument } from "../../world/types.ts";

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
    id: returnBigInt(document.id),
    accessHash: returnBigInt(document.accessHash),
    fileReference: Buffer.alloc(0),
    date,
    mimeType: document.mimeType,
    size: returnBigInt(document.size),
    dcId: FILES_DC,
    attributes: [media, new Api.DocumentAttributeFilename({ fileName: document.fileName })],
  });
}

/** messageMediaDocument around a document (`video` set for videos, as layer 198 clients expect). */
export function documentMediaToTl(document: WorldDocument, date: number): Api.MessageMediaDocument {
  return new Api.MessageMediaDocument({
    document: documentToTl(document, date),
    ...(document.kind === "video" && { video: true }),
  });
}
