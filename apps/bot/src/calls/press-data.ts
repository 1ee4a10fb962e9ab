import type { InCallPressCode } from "./in-call-presses.ts";

/** What a /calls button asks for. */
export type PressCode = "start" | "end" | "cancel" | "invite" | "rtmp-key" | InCallPressCode;

const TO_WIRE: Record<PressCode, string> = {
  start: "s",
  end: "e",
  cancel: "x",
  invite: "i",
  "rtmp-key": "k",
  // The in-call controls of a live call (in-call-presses.ts).
  record: "r",
  "record-audio": "a",
  "record-landscape": "l",
  "record-portrait": "p",
  "record-stop": "t",
  "mute-new": "m",
  "unmute-new": "u",
  "speaker-link": "v",
  "reset-links": "h",
  "invite-users": "n",
  back: "b",
};
const FROM_WIRE = new Map(Object.entries(TO_WIRE).map(([code, wire]) => [wire, code as PressCode]));
const DATA = /^cl:([a-z]):([0-9a-z]{1,12})$/;

/**
 * callback_data of a /calls button: "cl:<action letter>:<registry id>", at most 17 bytes, well
 * inside Telegram's 64-byte limit whatever the call's title or chat.
 */
export function encodePress(code: PressCode, entryId: string): string {
  return `cl:${TO_WIRE[code]}:${entryId}`;
}

export function decodePress(data: string): { code: PressCode; entryId: string } | undefined {
  const match = DATA.exec(data);
  const code = match ? FROM_WIRE.get(match[1]!) : undefined;
  return match && code ? { code, entryId: match[2]! } : undefined;
}
