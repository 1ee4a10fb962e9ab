import { stripInvisible } from "./clean-title.ts";

/** Longer echoes are cut: the user knows what they typed, the quote only points at it. */
const MAX_QUOTED = 40;

/*
 * What Telegram turns into something clickable in a plain-text message: a URL with a scheme, a
 * bare domain (example.com, t.me/…), a @mention, a #hashtag, a $cashtag, an e-mail address, or
 * a /command. Such words are not echoed at all: anyone in a group could otherwise make the bot
 * post a link in its own name.
 */
const LINKABLE =
  /\b(?:https?|ftp|tg|mailto|tel):|[\p{L}\p{N}_-]\.[\p{L}]{2,}|@[\p{L}\p{N}_]|#[\p{L}\p{N}_]|\$[A-Za-z]|(?:^|\s)\/[A-Za-z]/iu;

/**
 * Words a user typed, made safe to echo in a reply: invisible and direction-changing characters
 * removed (the title cleaner's rules), cut to 40 characters, in double quotes. Undefined when
 * nothing visible is left, or when Telegram would make any of it a link: the caller then words
 * its message without the quote.
 */
export function quoteTyped(raw: string): string | undefined {
  const text = stripInvisible(raw);
  if (text === "" || LINKABLE.test(text)) return undefined;
  const codePoints = Array.from(text);
  const cut = codePoints.length > MAX_QUOTED ? `${codePoints.slice(0, MAX_QUOTED - 1).join("")}…` : text;
  return `"${cut}"`;
}

/** quoteTyped, or `otherwise` when the words cannot be echoed. */
export function quoteTypedOr(raw: string, otherwise: string): string {
  return quoteTyped(raw) ?? otherwise;
}
