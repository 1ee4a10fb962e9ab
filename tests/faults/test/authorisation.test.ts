import { waitFor } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cellChat, faultsWorld, WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/**
 * The authorisation matrix (issue 6, "Security tests") and checklist lines 15, 16 and 18,
 * through the sandbox and the real bot: every identity crossed with every command, each cell in
 * a chat of its own so that no cooldown, cache or rate limit carries over between cells.
 * OWNER_IDS is [Oscar], who is in no chat. The group commands (/calls, /autostart) form a
 * second table: the identities that can write in the group, each cell again in its own chat.
 */
type Place = "in the chat" | "from the private chat, naming the chat";
type Expect = "queued" | RegExp;
interface Row {
  who: string;
  userId: number;
  place: Place;
  newcall: Expect;
  rtmp: Expect;
}

const NOT_ADMIN =
  /Only the owner of Matrix cell \d+ or its admins with the "Manage video chats" right can create calls there/;
const NO_RIGHT =
  /You are an admin of Matrix cell \d+, but without the "Manage video chats" right. Ask the owner to turn it on/;
const OWNER_ONLY_RTMP = /Only the owner of Matrix cell \d+ can start a livestream \(a Telegram rule\)/;
const ANONYMOUS =
  /You are posting anonymously as the group, so I cannot tell who you are.*send me the command in a private chat: \/newcall @matrix_cell_\d+/s;

const HERE: Place = "in the chat";
const PRIVATE: Place = "from the private chat, naming the chat";
const MATRIX: Row[] = [
  { who: "owner", userId: WHO.olga, place: HERE, newcall: "queued", rtmp: "queued" },
  { who: "owner", userId: WHO.olga, place: PRIVATE, newcall: "queued", rtmp: "queued" },
  {
    who: "admin with the video-chat right",
    userId: WHO.adam,
    place: HERE,
    newcall: "queued",
    rtmp: OWNER_ONLY_RTMP,
  },
  {
    who: "admin with the video-chat right",
    userId: WHO.adam,
    place: PRIVATE,
    newcall: "queued",
    rtmp: OWNER_ONLY_RTMP,
  },
  { who: "admin without the right", userId: WHO.nina, place: HERE, newcall: NO_RIGHT, rtmp: NO_RIGHT },
  { who: "admin without the right", userId: WHO.nina, place: PRIVATE, newcall: NO_RIGHT, rtmp: NO_RIGHT },
  { who: "member", userId: WHO.max, place: HERE, newcall: NOT_ADMIN, rtmp: NOT_ADMIN },
  { who: "member", userId: WHO.max, place: PRIVATE, newcall: NOT_ADMIN, rtmp: NOT_ADMIN },
  { who: "stranger", userId: WHO.sam, place: PRIVATE, newcall: NOT_ADMIN, rtmp: NOT_ADMIN },
  { who: "anonymous admin", userId: WHO.ann, place: HERE, newcall: ANONYMOUS, rtmp: ANONYMOUS },
  {
    who: "OWNER_IDS operator (in no chat)",
    userId: WHO.oscar,
    place: PRIVATE,
    newcall: "queued",
    rtmp: "queued",
  },
];
const CELLS = MATRIX.flatMap((row) =>
  (["newcall", "rtmp"] as const).map((command) => ({ row, command, expect: row[command] })),
);

/** Group commands: "allowed" or the refusal the identity must read. */
interface GroupRow {
  who: string;
  userId: number;
  calls: "allowed" | RegExp;
  autostart: "allowed" | RegExp;
}
const CALLS_NOT_ADMIN =
  /Only the owner of «Matrix cell \d+» or its admins with the "Manage video chats" right can see and manage its calls/;
const CALLS_ANONYMOUS =
  /I cannot tell who you are when you post as the chat. Send me \/calls in a private chat instead/;
const GROUP_MATRIX: GroupRow[] = [
  { who: "owner", userId: WHO.olga, calls: "allowed", autostart: "allowed" },
  { who: "admin with the video-chat right", userId: WHO.adam, calls: "allowed", autostart: "allowed" },
  { who: "admin without the right", userId: WHO.nina, calls: NO_RIGHT, autostart: NO_RIGHT },
  { who: "member", userId: WHO.max, calls: CALLS_NOT_ADMIN, autostart: NOT_ADMIN },
  {
    who: "anonymous admin",
    userId: WHO.ann,
    calls: CALLS_ANONYMOUS,
    autostart: /posting anonymously as the group/,
  },
];
const GROUP_CELLS = GROUP_MATRIX.flatMap((row) =>
  (["calls", "autostart"] as const).map((command) => ({ row, command, expect: row[command] })),
);

const capture = new OutputCapture();
let p: Pipeline;
beforeAll(async () => {
  // No worker: the matrix is about what the bot lets through to the queue.
  p = await startPipeline({
    capture,
    world: faultsWorld({ cells: CELLS.length + GROUP_CELLS.length }),
    worker: false,
  });
});
afterAll(async () => {
  await p.close();
  expect(capture.leaks(secretsOf(p.sandbox.info))).toEqual([]);
});

describe("authorisation matrix: identity x command (lines 15, 16, 18)", () => {
  it.each(
    CELLS.map(
      (cell, i) => [cell.row.who, cell.row.place, cell.command, cell.expect, i + 1, cell.row.userId] as const,
    ),
  )("%s, %s, /newcall %s -> %s", async (_who, place, command, expected, n, userId) => {
    const cell = cellChat(n);
    const args = `Matrix call${command === "rtmp" ? " rtmp" : ""}`;
    const { sent, reply } =
      place === HERE
        ? await p.ask(userId, cell.chatId, `/newcall ${args}`)
        : await p.ask(userId, userId, `/newcall @${cell.username} ${args}`);
    const jobsForCell = async () =>
      (await p.queues.callJobs()).filter((job) => job.data.target.chatId === cell.chatId);

    if (expected === "queued") {
      expect(reply.text).toContain(
        `Queued: ${command === "rtmp" ? "livestream" : "video chat"} “Matrix call” in «${cell.title}»`,
      );
      const jobs = await waitFor(async () => {
        const found = await jobsForCell();
        return found.length > 0 ? found : undefined;
      }, `the job for ${cell.title}`);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.data).toMatchObject({
        requester: { userId, messageId: sent.id },
        rtmp: command === "rtmp",
      });
      return;
    }
    expect(reply.text).toMatch(expected);
    // A refusal is the last thing the handler does; nothing may reach the queue for this chat.
    expect(await jobsForCell()).toEqual([]);
  });

  it("every refused cell queued nothing, every allowed one exactly one job (the whole queue)", async () => {
    const jobs = await p.queues.callJobs();
    const allowed = CELLS.filter((cell) => cell.expect === "queued").length;
    expect(jobs).toHaveLength(allowed);
  });
});

describe("authorisation matrix: identity x group command (/calls, /autostart)", () => {
  it.each(
    GROUP_CELLS.map(
      (cell, i) => [cell.row.who, cell.command, cell.expect, CELLS.length + i + 1, cell.row.userId] as const,
    ),
  )("%s, /%s -> %s", async (_who, command, expected, n, userId) => {
    const cell = cellChat(n);
    const { reply } = await p.ask(userId, cell.chatId, command === "calls" ? "/calls" : "/autostart on");
    const autostartDefault = () =>
      p.queues.connection.get(`${p.prefix}:bot:autostart-default:${cell.chatId}`);
    if (expected === "allowed") {
      expect(reply.text).toMatch(
        command === "calls"
          ? new RegExp(`Calls in «${cell.title}»`)
          : new RegExp(`Scheduled calls in «${cell.title}» will now start automatically`),
      );
      if (command === "autostart") expect(await autostartDefault()).toBe("on");
      return;
    }
    expect(reply.text).toMatch(expected);
    // A refusal changes nothing and shows nothing of the chat's calls.
    expect(reply.replyMarkup).toBeUndefined();
    expect(await autostartDefault()).toBeNull();
  });
});
