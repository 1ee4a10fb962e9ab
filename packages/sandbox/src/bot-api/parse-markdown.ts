import { badRequest } from "./bot-api-error.ts";
import { byteOffset, type FormattedText, type MessageEntity, sortEntities } from "./message-entity.ts";

/** MarkdownV2 reserves these outside code; unescaped they make Telegram refuse the message. */
const RESERVED = new Set("_*[]()~`>#+-=|{}.!".split(""));

interface Open {
  marker: string;
  type: string;
  start: number;
  at: number;
}

const ENTITY_NAMES: Record<string, string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  text_link: "TextUrl",
};

function cantParse(reason: string) {
  return badRequest(`can't parse entities: ${reason}`);
}

/** parse_mode "MarkdownV2", including its strict escaping rules. */
export function parseMarkdownV2(input: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;
  let i = 0;

  const toggle = (marker: string, type: string) => {
    const top = stack[stack.length - 1];
    if (top?.marker === marker) {
      stack.pop();
      entities.push({ type, offset: top.start, length: text.length - top.start });
    } else {
      stack.push({ marker, type, start: text.length, at: i });
    }
  };

  while (i < input.length) {
    const char = input[i]!;
    const lineStart = i === 0 || input[i - 1] === "\n";
    if (char === "\\") {
      const next = input[i + 1];
      if (next === undefined)
        throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      text += next;
      i += 2;
      continue;
    }
    if (char === "\n" && quoteStart !== undefined && input[i + 1] !== ">") {
      entities.push({ type: "blockquote", offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (char === ">" && lineStart) {
      quoteStart ??= text.length;
      i += 1;
      continue;
    }
    if (char === "`") {
      const isPre = input.startsWith("```", i);
      const fence = isPre ? "```" : "`";
      let j = i + fence.length;
      let language: string | undefined;
      if (isPre) {
        const newline = input.indexOf("\n", j);
        const firstLine = newline < 0 ? "" : input.slice(j, newline);
        if (newline >= 0 && /^[\w+-]*$/.test(firstLine)) {
          language = firstLine || undefined;
          j = newline + 1;
        }
      }
      const start = text.length;
      let closed = false;
      while (j < input.length) {
        if (input[j] === "\\" && j + 1 < input.length) {
          text += input[j + 1];
          j += 2;
          continue;
        }
        if (input.startsWith(fence, j)) {
          closed = true;
          break;
        }
        text += input[j];
        j += 1;
      }
      if (!closed) {
        throw cantParse(
          `Can't find end of ${isPre ? "Pre" : "Code"} entity at byte offset ${byteOffset(input, i)}`,
        );
      }
      entities.push({
        type: isPre ? "pre" : "code",
        offset: start,
        length: text.length - start,
        ...(language && { language }),
      });
      i = j + fence.length;
      continue;
    }
    if (char === "*") {
      toggle("*", "bold");
      i += 1;
      continue;
    }
    if (char === "_") {
      if (input[i + 1] === "_") {
        toggle("__", "underline");
        i += 2;
      } else {
        toggle("_", "italic");
        i += 1;
      }
      continue;
    }
    if (char === "~") {
      toggle("~", "strikethrough");
      i += 1;
      continue;
    }
    if (char === "|" && input[i + 1] === "|") {
      toggle("||", "spoiler");
      i += 2;
      continue;
    }
    if (char === "[") {
      stack.push({ marker: "[", type: "text_link", start: text.length, at: i });
      i += 1;
      continue;
    }
    if (char === "]" && stack[stack.length - 1]?.marker === "[") {
      const open = stack.pop()!;
      if (input[i + 1] !== "(") {
        throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(input, i + 1)}`);
      }
      let j = i + 2;
      let url = "";
      while (j < input.length && input[j] !== ")") {
        if (input[j] === "\\" && j + 1 < input.length) j += 1;
        url += input[j];
        j += 1;
      }
      if (j >= input.length)
        throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(input, i + 1)}`);
      entities.push({ type: "text_link", offset: open.start, length: text.length - open.start, url });
      i = j + 1;
      continue;
    }
    if (RESERVED.has(char)) {
      throw cantParse(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += char;
    i += 1;
  }
  if (quoteStart !== undefined) {
    entities.push({ type: "blockquote", offset: quoteStart, length: text.length - quoteStart });
  }
  const unclosed = stack[0];
  if (unclosed) {
    throw cantParse(
      `Can't find end of ${ENTITY_NAMES[unclosed.type] ?? unclosed.type} entity at byte offset ${byteOffset(input, unclosed.at)}`,
    );
  }
  return { text, entities: sortEntities(entities) };
}

/** The legacy parse_mode "Markdown": *bold*, _italic_, `code`, ```pre``` and [text](url); no escapes. */
export function parseMarkdownLegacy(input: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  let i = 0;
  const markers: Record<string, string> = { "*": "bold", _: "italic", "`": "code" };
  while (i < input.length) {
    const char = input[i]!;
    if (input.startsWith("```", i)) {
      const end = input.indexOf("```", i + 3);
      if (end < 0)
        throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(input, i)}`);
      const start = text.length;
      text += input.slice(i + 3, end);
      entities.push({ type: "pre", offset: start, length: text.length - start });
      i = end + 3;
      continue;
    }
    const type = markers[char];
    if (type) {
      const end = input.indexOf(char, i + 1);
      if (end < 0)
        throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(input, i)}`);
      const start = text.length;
      text += input.slice(i + 1, end);
      entities.push({ type, offset: start, length: text.length - start });
      i = end + 1;
      continue;
    }
    const link = char === "[" ? /^\[([^\]]*)\]\(([^)]*)\)/.exec(input.slice(i)) : null;
    if (link) {
      const start = text.length;
      text += link[1];
      entities.push({ type: "text_link", offset: start, length: text.length - start, url: link[2]! });
      i += link[0].length;
      continue;
    }
    text += char;
    i += 1;
  }
  return { text, entities: sortEntities(entities) };
}
