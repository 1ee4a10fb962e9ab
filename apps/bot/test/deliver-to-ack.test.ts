import type { CreateCallRequest } from "@callbot/shared";
import { DEMO, DEMO_CHATS } from "@callbot/test-support";
import { Api } from "grammy";
import { describe, expect, it } from "vitest";
import { type Delivery, deliverToAck } from "../src/results/deliver-to-ack.ts";

/*
 * Where a report lands, pinned for each situation a requester could be in: deliverToAck's
 * fallback ladder (edit the "queued" message; a new message when it is gone; the requester's
 * private chat when the bot was removed from the group; nobody when that is closed too). A real
 * grammY Api whose transformer answers as the Bot API does, so the errors are grammY's own
 * GrammyErrors; results.e2e.test.ts runs the same ladder against the sandbox.
 */

const COMMAND_ID = 10;
const ACK_ID = 11;
const SUPERGROUP = -1_009_000_000_001;

/** A Bot API refusal, as Telegram words it. */
interface Refusal {
  error_code: number;
  description: string;
  parameters?: { migrate_to_chat_id: number };
}
const NOT_MODIFIED: Refusal = {
  error_code: 400,
  description:
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
};
const EDIT_GONE: Refusal = { error_code: 400, description: "Bad Request: message to edit not found" };
const KICKED: Refusal = {
  error_code: 403,
  description: "Forbidden: bot was kicked from the supergroup chat",
};
const BLOCKED: Refusal = { error_code: 403, description: "Forbidden: bot was blocked by the user" };
const UPGRADED: Refusal = {
  error_code: 400,
  description: "Bad Request: group chat was upgraded to a supergroup chat",
  parameters: { migrate_to_chat_id: SUPERGROUP },
};
const TOO_MANY: Refusal = { error_code: 429, description: "Too Many Requests: retry after 5" };

/** "method chat_id [reply to N]" for each request the ladder made. */
type Sent = string;

/** A /newcall with its "queued" message, or a recurring rule's occurrence, which has none. */
type From = "/newcall" | "recurring";

function request(from: From = "/newcall"): CreateCallRequest {
  return {
    v: 1,
    kind: "create-call",
    requestId: `newcall_${DEMO.community}_${COMMAND_ID}`,
    requester: { userId: DEMO.olga, chatId: DEMO.community, messageId: COMMAND_ID },
    ...(from === "/newcall" && { ack: { chatId: DEMO.community, messageId: ACK_ID } }),
    target: DEMO_CHATS.community,
    rtmp: false,
    timeZone: "Europe/Berlin",
    requestedAt: 1_800_000_000_000,
  };
}

/** An Api whose n-th request is refused with `refusals[n]` (undefined: answered). */
function scriptedApi(refusals: Array<Refusal | undefined>): { api: Api; sent: Sent[] } {
  const api = new Api("1234:test-token");
  const sent: Sent[] = [];
  api.config.use(async (_prev, method, payload) => {
    const { chat_id, reply_parameters } = payload as {
      chat_id?: number;
      reply_parameters?: { message_id: number };
    };
    sent.push(`${method} ${chat_id}${reply_parameters ? ` reply to ${reply_parameters.message_id}` : ""}`);
    const refusal = refusals[sent.length - 1];
    // biome-ignore lint/suspicious/noExplicitAny: a Bot API answer, as grammY's transformers return it
    if (refusal) return { ok: false, ...refusal } as any;
    // biome-ignore lint/suspicious/noExplicitAny: a Bot API answer, as grammY's transformers return it
    return { ok: true, result: method === "sendMessage" ? { message_id: 99 } : true } as any;
  });
  return { api, sent };
}

describe("deliverToAck", () => {
  it.each<[string, From, Array<Refusal | undefined>, Delivery, Sent[]]>([
    [
      "the queued message is there: it is edited",
      "/newcall",
      [],
      "edited",
      [`editMessageText ${DEMO.community}`],
    ],
    [
      "a redelivered result, same text: already done, nothing sent",
      "/newcall",
      [NOT_MODIFIED],
      "edited",
      [`editMessageText ${DEMO.community}`],
    ],
    [
      "someone deleted the queued message: a new message, replying to the command",
      "/newcall",
      [EDIT_GONE],
      "sent-anew",
      [`editMessageText ${DEMO.community}`, `sendMessage ${DEMO.community} reply to ${COMMAND_ID}`],
    ],
    [
      "the bot was removed from the group: the requester hears in private",
      "/newcall",
      [KICKED],
      "sent-privately",
      [`editMessageText ${DEMO.community}`, `sendMessage ${DEMO.olga}`],
    ],
    [
      "removed from the group and the requester blocked the bot: nobody left to tell",
      "/newcall",
      [KICKED, BLOCKED],
      "undeliverable",
      [`editMessageText ${DEMO.community}`, `sendMessage ${DEMO.olga}`],
    ],
    [
      "a recurring occurrence (no queued message): a new message in the chat",
      "recurring",
      [],
      "sent-anew",
      [`sendMessage ${DEMO.community}`],
    ],
    [
      "a recurring occurrence in a chat the bot left: nobody to tell",
      "recurring",
      [KICKED],
      "undeliverable",
      [`sendMessage ${DEMO.community}`],
    ],
    [
      "the group became a supergroup meanwhile: the report is sent there",
      "/newcall",
      [UPGRADED],
      "sent-anew",
      [`editMessageText ${DEMO.community}`, `sendMessage ${SUPERGROUP}`],
    ],
  ])("%s", async (_, from, refusals, delivery, sent) => {
    const scripted = scriptedApi(refusals);
    const followed: Array<[number, number]> = [];
    const delivered = await deliverToAck(
      scripted.api,
      request(from),
      "✅ The video chat is live.",
      async (from, to) => {
        followed.push([from, to]);
      },
    );
    expect(delivered).toBe(delivery);
    expect(scripted.sent).toEqual(sent);
    expect(followed).toEqual(refusals.includes(UPGRADED) ? [[DEMO.community, SUPERGROUP]] : []);
  });

  it("a refusal it cannot place (429) is thrown, so the results job is retried", async () => {
    const { api, sent } = scriptedApi([TOO_MANY]);
    await expect(deliverToAck(api, request(), "✅ The video chat is live.")).rejects.toThrow(/retry after 5/);
    expect(sent).toEqual([`editMessageText ${DEMO.community}`]);
  });
});
