export const REDACTED_TEXT = "[redacted]";

/**
 * Secrets shorter than this are not scrubbed: replacing every "abc" in every log line would make
 * logs unreadable, and real secrets (bot tokens, session strings, api hashes) are far longer.
 */
export const MIN_SECRET_LENGTH = 4;

// A bot token inside a Bot API URL ("/bot123456:ABC.../sendMessage"), even one nobody told us
// about (an old token, another bot's): the path segment is the token, so it is always secret.
const BOT_API_URL_TOKEN = /\/bot\d+:[A-Za-z0-9_-]+/g;

/** Replaces every occurrence of every secret in a string. */
export type SecretScrubber = (text: string) => string;

/**
 * A scrubber for the given secrets. Each secret is also looked for URL-encoded and JSON-escaped,
 * and for a bot token ("123456:ABC...") the part after the colon on its own, since that part
 * is what makes the token secret and it can appear split from the id.
 */
export function createSecretScrubber(secrets: readonly string[]): SecretScrubber {
  const variants = new Set<string>();
  for (const secret of secrets) {
    for (const variant of variantsOf(secret)) {
      if (variant.length >= MIN_SECRET_LENGTH) variants.add(variant);
    }
  }
  // Longest first, so that a whole token is replaced before its secret part could be.
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  return (text) => {
    let scrubbed = text.replace(BOT_API_URL_TOKEN, `/bot${REDACTED_TEXT}`);
    for (const variant of ordered) {
      if (scrubbed.includes(variant)) scrubbed = scrubbed.split(variant).join(REDACTED_TEXT);
    }
    return scrubbed;
  };
}

function variantsOf(secret: string): string[] {
  const variants = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  const botToken = /^\d+:(.+)$/.exec(secret);
  if (botToken?.[1] !== undefined) variants.push(botToken[1]);
  return variants;
}

/**
 * Fields of errors that are left out of copies: grammY's GrammyError and HttpError keep the whole
 * request in `payload` (a message's text, with a stream key or an invite link in it), and what
 * we sent is not ours to log. Which secrets a message carries is known only at run time, so
 * they cannot all be listed for the scrubber.
 */
const ERROR_FIELDS_LEFT_OUT = new Set(["payload"]);

/**
 * A copy of `value` with every string scrubbed, at any depth: plain objects, arrays and errors
 * (message, stack, cause and own fields but the request they carry, ERROR_FIELDS_LEFT_OUT).
 * Errors stay errors (same prototype), so that pino still logs them as errors. Other objects
 * (Dates, Buffers, class instances) are kept as they are; the final scrub of the written line
 * covers what they print.
 */
export function scrubDeep(
  value: unknown,
  scrub: SecretScrubber,
  seen = new WeakMap<object, unknown>(),
): unknown {
  if (typeof value === "string") return scrub(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);

  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value)) as Error;
    seen.set(value, copy);
    for (const key of ["name", "message", "stack", "cause", ...Object.keys(value)]) {
      if (!Object.hasOwn(value, key) || ERROR_FIELDS_LEFT_OUT.has(key)) continue;
      Object.defineProperty(copy, key, {
        value: scrubDeep((value as unknown as Record<string, unknown>)[key], scrub, seen),
        enumerable: Object.keys(value).includes(key),
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(scrubDeep(item, scrub, seen));
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) copy[key] = scrubDeep(item, scrub, seen);
  return copy;
}
