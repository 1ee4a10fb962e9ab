import { MAX_CALL_TITLE_LENGTH } from "@callbot/shared";

export type CleanTitleResult =
  | { ok: true; title: string | undefined }
  | { ok: false; error: { kind: "title-too-long"; length: number; max: number } };

/*
 * What is removed is chosen by Unicode property, not by a list that misses the next trick:
 * - \p{Cc}: C0/C1 controls (line breaks and tabs become spaces first);
 * - \p{Cf}: format characters, among them every bidi control (U+202A-U+202E, U+2066-U+2069,
 *   U+200E, U+200F, U+061C), which can make text display reversed or spill into what surrounds
 *   it, invisible operators (U+2062), zero-width spaces, and the tag characters U+E0000-U+E007F,
 *   which can smuggle invisible ASCII;
 * - \p{Default_Ignorable_Code_Point}: everything else a renderer shows as nothing, such as the
 *   Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) that look like spaces, U+034F and the
 *   Mongolian vowel separator U+180E;
 * - lone surrogates (\p{Cs}), which are not valid UTF-8 once sent to Telegram.
 * Kept, because real text needs them: the joiners U+200C (Persian, Indic scripts) and U+200D
 * (emoji sequences such as 👨‍👩‍👧), and the presentation selectors U+FE0E/U+FE0F (❤️), but only
 * after a visible character: alone, leading or trailing they only make titles look equal.
 * Emoji tag sequences (the flags of England, Scotland, Wales) lose their tags and show as 🏴.
 */
const LINE_BREAKS = /[\r\n\t\v\f\u0085\p{Zl}\p{Zp}]/gu;
/** U+2800 (Braille pattern blank) is a letter-like symbol that renders as a blank cell. */
const BLANK_LOOKING = /\u2800/gu;
const INVISIBLE = /(?!\u200c|\u200d|\ufe0e|\ufe0f)[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]|\p{Cs}/gu;
const KEPT_INVISIBLE = "(?:\\u200c|\\u200d|\\ufe0e|\\ufe0f)";
/** Joiners and selectors with nothing visible before them (at the start or after a space). */
const STRAY_LEADING = new RegExp(`(^|\\s)${KEPT_INVISIBLE}+`, "gu");
/** Joiners with nothing visible after them; a selector may end a word (❤️). */
const STRAY_TRAILING = /(?:\u200c|\u200d)+(?=\s|$)/gu;
/** One joiner or selector does what several in a row would. */
const REPEATED_KEPT = /(\u200c|\u200d|\ufe0e|\ufe0f)\1+/gu;

/**
 * Removes from user-typed text everything that is invisible or changes how the text around it
 * is displayed, and collapses whitespace. Shared by title cleaning and by whatever echoes a
 * user's words back (parse errors).
 */
export function stripInvisible(raw: string): string {
  return raw
    .replace(LINE_BREAKS, " ")
    .replace(BLANK_LOOKING, " ")
    .replace(INVISIBLE, "")
    .replace(/\s+/gu, " ")
    .trim()
    .replace(STRAY_LEADING, "$1")
    .replace(STRAY_TRAILING, "")
    .replace(REPEATED_KEPT, "$1")
    .replace(/\s+/gu, " ")
    .trim();
}

/**
 * Cleans a user-given call title (stripInvisible). An empty result, including a title made only
 * of fillers or joiners, means "no title" (Telegram then uses the chat's name). Longer than
 * Telegram's 64-character limit is an error rather than a silent cut, so the user decides.
 * Length is counted in UTF-16 units, as the job schema does, so an accepted title always fits.
 */
export function cleanTitle(raw: string): CleanTitleResult {
  const title = stripInvisible(raw);
  if (title.length === 0) return { ok: true, title: undefined };
  if (title.length > MAX_CALL_TITLE_LENGTH) {
    return { ok: false, error: { kind: "title-too-long", length: title.length, max: MAX_CALL_TITLE_LENGTH } };
  }
  return { ok: true, title };
}
