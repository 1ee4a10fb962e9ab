import { badRequest } from "./bot-api-error.ts";
import { byteOffset, type FormattedText, type MessageEntity, sortEntities } from "./message-entity.ts";

interface OpenTag {
  name: string;
  start: number;
  entity: Omit<MessageEntity, "offset" | "length"> | undefined;
}

const SIMPLE_TAGS: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
  pre: "pre",
};

const NAMED_CHARACTERS: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function cantParse(reason: string) {
  return badRequest(`can't parse entities: ${reason}`);
}

/** parse_mode "HTML": the tags and character references Telegram documents, nothing more. */
export function parseHtml(input: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (char === "&") {
      const match = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(input.slice(i, i + 12));
      const name = match?.[1];
      if (name !== undefined) {
        const decoded = name.startsWith("#x")
          ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
          : name.startsWith("#")
            ? String.fromCodePoint(Number.parseInt(name.slice(1), 10))
            : NAMED_CHARACTERS[name];
        if (decoded !== undefined) {
          text += decoded;
          i += match![0].length;
          continue;
        }
      }
      text += char;
      i += 1;
      continue;
    }
    if (char !== "<") {
      text += char;
      i += 1;
      continue;
    }
    const end = input.indexOf(">", i);
    if (end < 0) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(input, i)}`);
    const tag = input.slice(i + 1, end).trim();
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(input, i)}`);
      if (open.name !== name) {
        throw cantParse(
          `Unmatched end tag at byte offset ${byteOffset(input, i)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      if (open.entity)
        entities.push({ ...open.entity, offset: open.start, length: text.length - open.start });
    } else {
      stack.push(openTag(tag, text.length, stack, byteOffset(input, i)));
    }
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function openTag(tag: string, start: number, stack: OpenTag[], at: number): OpenTag {
  const name = (/^[a-zA-Z-]+/.exec(tag)?.[0] ?? "").toLowerCase();
  const attributes = tag.slice(name.length);
  const attribute = (attr: string) =>
    new RegExp(`${attr}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"']+))`, "i")
      .exec(attributes)
      ?.slice(1)
      .find(Boolean);
  if (name === "a") {
    const href = attribute("href");
    if (!href) return { name, start, entity: undefined };
    const userId = /^tg:\/\/user\?id=(\d+)$/.exec(href)?.[1];
    return {
      name,
      start,
      entity: userId
        ? { type: "text_mention", user: { id: Number(userId), is_bot: false, first_name: "" } }
        : { type: "text_link", url: href },
    };
  }
  if (name === "span") {
    if (attribute("class") !== "tg-spoiler")
      throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
    return { name, start, entity: { type: "spoiler" } };
  }
  if (name === "blockquote") {
    return {
      name,
      start,
      entity: { type: /\bexpandable\b/.test(attributes) ? "expandable_blockquote" : "blockquote" },
    };
  }
  if (name === "tg-emoji") {
    return { name, start, entity: { type: "custom_emoji", custom_emoji_id: attribute("emoji-id") ?? "" } };
  }
  const type = SIMPLE_TAGS[name];
  if (!type) throw cantParse(`Unsupported start tag "${name}" at byte offset ${at}`);
  // <pre><code class="language-x"> is one pre entity with a language, not two entities.
  const parent = stack[stack.length - 1];
  const language = /^language-(\S+)$/.exec(attribute("class") ?? "")?.[1];
  if (type === "code" && parent?.name === "pre" && parent.start === start) {
    if (language && parent.entity) parent.entity.language = language;
    return { name, start, entity: undefined };
  }
  return { name, start, entity: { type } };
}
