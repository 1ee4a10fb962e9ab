/** How a user named the chat a call is for. */
export type ChatRef =
  /** The chat the command was sent in. */
  | { kind: "here" }
  | { kind: "username"; username: string }
  /** A Bot API chat id: -100… for supergroups and channels, -N for basic groups. */
  | { kind: "id"; chatId: number };

export type ChatRefError = {
  kind: "invalid-target";
  given: string;
  reason: "user-id" | "invite-link" | "malformed";
};

// Telegram usernames: 5-32 characters; a few old ones are 4. Letters, digits, underscores; a letter first.
const USERNAME = /^[a-z][a-z0-9_]{3,31}$/i;
const LINK = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(.*)$/i;
const CHAT_ID = /^-\d{1,16}$/;

/** Whether the first word of a private-chat command tries to name a chat at all. */
export function looksLikeChatRef(word: string): boolean {
  return word.startsWith("@") || LINK.test(word) || /^[-+]?\d+$/.test(word);
}

/** Parses `@username`, a t.me link (`t.me/name`, `t.me/c/<id>/…`) or a `-100…` id. Never throws. */
export function parseChatRef(word: string): { ok: true; ref: ChatRef } | { ok: false; error: ChatRefError } {
  const fail = (reason: ChatRefError["reason"]) =>
    ({ ok: false, error: { kind: "invalid-target", given: word, reason } }) as const;

  if (word.startsWith("@")) {
    const username = word.slice(1);
    return USERNAME.test(username) ? { ok: true, ref: { kind: "username", username } } : fail("malformed");
  }

  const link = LINK.exec(word);
  if (link) {
    const path = (link[1] ?? "").split(/[?#]/)[0] ?? "";
    const segments = path.split("/").filter((s) => s.length > 0);
    const first = segments[0] ?? "";
    // Invite links carry a hash the Bot API cannot resolve to a chat.
    if (first.startsWith("+") || first.toLowerCase() === "joinchat") return fail("invite-link");
    // t.me/c/<channel id>/<message>: a private supergroup's message link; the Bot API id is -100<id>.
    if (first === "c") {
      const id = segments[1] ?? "";
      return /^\d{1,13}$/.test(id) ? toId(`-100${id}`, fail) : fail("malformed");
    }
    const username = first === "s" ? (segments[1] ?? "") : first;
    return USERNAME.test(username) ? { ok: true, ref: { kind: "username", username } } : fail("malformed");
  }

  if (/^\+?\d+$/.test(word)) return fail("user-id");
  if (CHAT_ID.test(word)) return toId(word, fail);
  return fail("malformed");
}

function toId(
  text: string,
  fail: (reason: ChatRefError["reason"]) => { ok: false; error: ChatRefError },
): { ok: true; ref: ChatRef } | { ok: false; error: ChatRefError } {
  const chatId = Number(text);
  return Number.isSafeInteger(chatId) && chatId < 0
    ? { ok: true, ref: { kind: "id", chatId } }
    : fail("malformed");
}
