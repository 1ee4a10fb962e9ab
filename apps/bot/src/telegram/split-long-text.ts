/** Telegram's limit for one message's text (api:#sendmessage: 1-4096 characters after entities parsing). */
export const MAX_MESSAGE_LENGTH = 4096;

/**
 * Splits a long text into messages Telegram accepts, at paragraph breaks (blank lines) where it
 * can, else at line breaks, else hard at the limit. Short texts come back whole, as one part.
 * Lengths are in UTF-16 units, as Telegram counts them.
 */
export function splitLongText(text: string, limit = MAX_MESSAGE_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const paragraph = window.lastIndexOf("\n\n");
    const line = window.lastIndexOf("\n");
    const cut = paragraph > 0 ? paragraph : line > 0 ? line : limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n+/, "");
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
