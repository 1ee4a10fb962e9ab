/** A Telegram error name with the number Telegram sometimes puts in it. */
export interface ParsedTelegramError {
  /** The name without its number: "FLOOD_WAIT" for "FLOOD_WAIT_30". */
  name: string;
  /** The number of an X-error (FLOOD_WAIT_X, SLOWMODE_WAIT_X): seconds to wait. */
  seconds?: number;
}

// Telegram's errors that end in a number of seconds (core.telegram.org/api/errors).
const WAIT_ERRORS = ["FLOOD_WAIT", "FLOOD_PREMIUM_WAIT", "SLOWMODE_WAIT", "TAKEOUT_INIT_DELAY"];

/**
 * Reads a Telegram error name out of what a client shows: "FLOOD_WAIT_30",
 * "420: FLOOD_WAIT_30 (caused by phone.CreateGroupCall)", or gramjs's "A wait of 30 seconds is
 * required (caused by ...)". gramjs's FloodWaitError carries errorMessage "FLOOD" with the wait
 * in `.seconds`: "FLOOD" reads as FLOOD_WAIT without seconds; pass the seconds on yourself.
 *
 * @example parseTelegramErrorName("FLOOD_WAIT_30") // { name: "FLOOD_WAIT", seconds: 30 }
 */
export function parseTelegramErrorName(raw: string): ParsedTelegramError {
  const text = raw.trim();
  const gramjsWait = /^A wait of (\d+) seconds is required/.exec(text);
  if (gramjsWait) return { name: "FLOOD_WAIT", seconds: Number(gramjsWait[1]) };

  // Skip a leading "420: " or "RPCError 400: ", then take the first UPPER_SNAKE word.
  // Three characters at least, so that the "A" of an English sentence is not taken for a name.
  const word = /\b([A-Z][A-Z0-9]{2,}(?:_[A-Z0-9]+)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(
    text.replace(/^[^:]*\d{3}:\s*/, ""),
  )?.[1];
  if (word === undefined) return { name: "UNKNOWN" };
  if (word === "FLOOD") return { name: "FLOOD_WAIT" };

  for (const waitError of WAIT_ERRORS) {
    const match = new RegExp(`^${waitError}_(\\d+)$`).exec(word);
    if (match) return { name: waitError, seconds: Number(match[1]) };
  }
  return { name: word };
}
