import { MAX_CALL_TITLE_LENGTH } from "@callbot/shared";

export type CleanTitleResult =
  | { ok: true; title: string | undefined }
  | { ok: false; error: { kind: "title-too-long"; length: number; max: number } };

/*
 * Characters removed from titles:
 * - C0/C1 controls (newlines, tabs and the like become spaces first);
 * - bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks
 *   (U+200E, U+200F, U+061C): they can make a title display reversed or spill into the
 *   text around it when it is echoed back;
 * - zero-width spaces and BOMs (U+200B, U+2060, U+FEFF), which make titles look equal when they are not;
 * - lone surrogates.
 * The zero-width joiner (U+200D) stays: emoji sequences need it.
 */
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const INVISIBLE_FORMATTING = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
/** Half of a surrogate pair on its own is not valid UTF-8 once sent to Telegram. */
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Cleans a user-given call title: strips control and bidi characters, collapses whitespace.
 * An empty result means "no title" (Telegram then uses the chat's name). Longer than
 * Telegram's 64-character limit is an error rather than a silent cut, so the user decides.
 * Length is counted in UTF-16 units, as the job schema does, so an accepted title always fits.
 */
export function cleanTitle(raw: string): CleanTitleResult {
  const title = raw
    .replace(LINE_BREAKS, " ")
    .replace(CONTROLS, "")
    .replace(INVISIBLE_FORMATTING, "")
    .replace(LONE_SURROGATES, "")
    .replace(/\s+/gu, " ")
    .trim();
  if (title.length === 0) return { ok: true, title: undefined };
  if (title.length > MAX_CALL_TITLE_LENGTH) {
    return { ok: false, error: { kind: "title-too-long", length: title.length, max: MAX_CALL_TITLE_LENGTH } };
  }
  return { ok: true, title };
}
