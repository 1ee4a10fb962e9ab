import { describe, expect, it } from "vitest";
import { detectEntities } from "../src/bot-api/detect-entities.ts";
import { parseHtml } from "../src/bot-api/parse-html.ts";
import { parseMarkdownV2 } from "../src/bot-api/parse-markdown.ts";

describe("parse_mode HTML", () => {
  it("turns tags into entities with UTF-16 offsets", () => {
    expect(parseHtml('👋 <b>Hi <i>there</i></b> <a href="https://t.me/x">link</a> &lt;3')).toEqual({
      text: "👋 Hi there link <3",
      entities: [
        { type: "bold", offset: 3, length: 8 },
        { type: "italic", offset: 6, length: 5 },
        { type: "text_link", offset: 12, length: 4, url: "https://t.me/x" },
      ],
    });
    expect(parseHtml('<pre><code class="language-ts">x</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 1, language: "ts" },
    ]);
  });

  it("refuses unknown and unclosed tags like Telegram", () => {
    expect(() => parseHtml("<blink>x</blink>")).toThrow(/Unsupported start tag "blink" at byte offset 0/);
    expect(() => parseHtml("<b>x")).toThrow(/Can't find end tag corresponding to start tag "b"/);
    expect(() => parseHtml("<b>x</i>")).toThrow(/Unmatched end tag/);
  });
});

describe("parse_mode MarkdownV2", () => {
  it("parses nested entities, code, links and escapes", () => {
    expect(parseMarkdownV2("*bold _both_* `a.b` [site](https://e.com/a\\)b) 1\\.5")).toEqual({
      text: "bold both a.b site 1.5",
      entities: [
        { type: "bold", offset: 0, length: 9 },
        { type: "italic", offset: 5, length: 4 },
        { type: "code", offset: 10, length: 3 },
        { type: "text_link", offset: 14, length: 4, url: "https://e.com/a)b" },
      ],
    });
  });

  it("demands escaping of reserved characters and closed entities", () => {
    expect(() => parseMarkdownV2("v1.0")).toThrow(/Character '\.' is reserved/);
    expect(() => parseMarkdownV2("*open")).toThrow(/Can't find end of Bold entity at byte offset 0/);
  });
});

describe("entities Telegram detects in user text", () => {
  it("finds commands (with the bot's name), mentions and urls", () => {
    expect(detectEntities("/newcall@callbot_sandbox_bot Standup @olga_owner https://t.me/x")).toEqual([
      { type: "bot_command", offset: 0, length: 28 },
      { type: "mention", offset: 37, length: 11 },
      { type: "url", offset: 49, length: 14 },
    ]);
    expect(detectEntities("a/b and 1/2")).toEqual([]);
  });
});
