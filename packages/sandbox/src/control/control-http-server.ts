import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { BotApiFaultRule, MtprotoFaultRule } from "../faults/fault-injector.ts";
import { TelegramRpcError, type WorldGroupCall } from "../world/types.ts";
import { readWorldFixture } from "../world/world.ts";
import { ControlError, type SandboxControl } from "./sandbox-control.ts";

export interface ControlHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const memberRoleSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("owner"), anonymous: z.boolean().optional() }),
  z.object({ status: z.literal("admin"), rights: z.record(z.string(), z.boolean()) }),
  z.object({ status: z.literal("member") }),
  z.object({ status: z.literal("restricted") }),
  z.object({ status: z.literal("left") }),
  z.object({ status: z.literal("banned") }),
]);

const sendSchema = z.object({
  from: z.number().int(),
  chatId: z.number().int(),
  text: z.string(),
  asChat: z.boolean().optional(),
  replyToMessageId: z.number().int().optional(),
});
const pressSchema = z.object({
  from: z.number().int(),
  chatId: z.number().int(),
  messageId: z.number().int(),
  data: z.string(),
  /** Wait this long for answerCallbackQuery and include the answer. */
  waitForAnswerMs: z.number().int().min(0).max(60_000).optional(),
});
const shareChatSchema = z.object({
  from: z.number().int(),
  messageId: z.number().int(),
  requestId: z.number().int(),
  chatId: z.number().int(),
});
const membersSchema = z.object({
  chatId: z.number().int(),
  userId: z.number().int(),
  role: memberRoleSchema,
  byUserId: z.number().int().optional(),
});
const migrateSchema = z.object({ by: z.number().int() });
const participantsSchema = z
  .object({
    join: z.array(z.number().int()).optional(),
    guests: z.number().int().min(0).max(10_000).optional(),
    inviteHash: z.string().min(1).optional(),
    leave: z.union([z.array(z.number().int()), z.literal("all")]).optional(),
  })
  .strict();
const availabilitySchema = z.object({ up: z.boolean(), downForMs: z.number().int().positive().optional() });
const loadSchema = z.union([z.object({ path: z.string() }), z.object({ world: z.unknown() })]);

type Route = (control: SandboxControl, body: unknown, match: RegExpExecArray) => unknown | Promise<unknown>;

const ROUTES: Array<[method: string, path: RegExp, route: Route]> = [
  [
    "POST",
    /^\/world\/load$/,
    (control, body) => {
      const request = loadSchema.parse(body);
      control.world.load("path" in request ? readWorldFixture(request.path) : request.world);
      return { loaded: true };
    },
  ],
  ["POST", /^\/world\/settings$/, (control, body) => ({ settings: control.world.configure(body) })],
  ["GET", /^\/world\/settings$/, (control) => ({ settings: control.world.settings })],
  [
    "POST",
    /^\/act\/send$/,
    async (control, body) => ({ message: await control.sendText(sendSchema.parse(body)) }),
  ],
  [
    "POST",
    /^\/act\/press$/,
    async (control, body) => {
      const { waitForAnswerMs, ...press } = pressSchema.parse(body);
      const pressed = await control.pressButton(press);
      if (!waitForAnswerMs) return { callbackQueryId: pressed.callbackQueryId };
      const answer = await Promise.race([
        pressed.answer,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), waitForAnswerMs).unref()),
      ]);
      return { callbackQueryId: pressed.callbackQueryId, ...(answer && { answer }) };
    },
  ],
  [
    "POST",
    /^\/act\/share-chat$/,
    (control, body) => ({ message: control.shareChat(shareChatSchema.parse(body)) }),
  ],
  [
    "GET",
    /^\/chats\/(-?\d+)\/bot-messages$/,
    (control, _b, m) => ({ messages: control.botMessages(Number(m[1])) }),
  ],
  [
    "GET",
    /^\/chats\/(-?\d+)\/messages$/,
    (control, _b, m) => ({ messages: control.world.messages(Number(m[1])) }),
  ],
  [
    "GET",
    /^\/chats\/(-?\d+)\/calls$/,
    (control, _b, m) => ({ calls: control.calls(Number(m[1])).map(callToJson) }),
  ],
  [
    "POST",
    /^\/chats\/(-?\d+)\/call\/participants$/,
    (control, body, m) => ({
      call: callToJson(control.callParticipants(Number(m[1]), participantsSchema.parse(body))),
    }),
  ],
  [
    "GET",
    /^\/accounts\/(\d+)\/saved-messages$/,
    (control, _b, m) => ({ messages: control.savedMessages(Number(m[1])) }),
  ],
  [
    "POST",
    /^\/members$/,
    (control, body) => {
      const { chatId, userId, role, byUserId } = membersSchema.parse(body);
      control.setRole(chatId, userId, role, byUserId);
      return { updated: true };
    },
  ],
  [
    "POST",
    /^\/faults\/mtproto$/,
    (control, body) => {
      control.faults.mtproto(body as MtprotoFaultRule);
      return { armed: true };
    },
  ],
  [
    "POST",
    /^\/faults\/release\/([\w-]+)$/,
    (control, _b, m) => {
      control.faults.release(String(m[1]));
      return { released: true };
    },
  ],
  [
    "POST",
    /^\/faults\/bot-api$/,
    (control, body) => {
      control.faults.botApi(body as BotApiFaultRule);
      return { armed: true };
    },
  ],
  [
    "DELETE",
    /^\/faults$/,
    (control) => {
      control.faults.clear();
      return { cleared: true };
    },
  ],
  [
    "POST",
    /^\/chats\/(-?\d+)\/migrate$/,
    (control, body, m) => ({ newChatId: control.migrateGroup(Number(m[1]), migrateSchema.parse(body).by) }),
  ],
  [
    "POST",
    /^\/bot-api\/availability$/,
    (control, body) => {
      const { up, downForMs } = availabilitySchema.parse(body);
      if (up) control.botApiUp();
      else control.botApiDown(downForMs);
      return { up };
    },
  ],
  [
    "POST",
    /^\/accounts\/(\d+)\/revoke-session$/,
    (control, _b, m) => ({ revoked: control.revokeSession(Number(m[1])) }),
  ],
  ["GET", /^\/login-codes$/, (control) => ({ codes: control.loginCodes() })],
  ["GET", /^\/login-codes\/\+?(\d+)$/, (control, _b, m) => ({ codes: control.loginCodes(m[1]) })],
  ["GET", /^\/counters$/, (control) => control.counters()],
  [
    "DELETE",
    /^\/counters$/,
    (control) => {
      control.resetCounters();
      return { reset: true };
    },
  ],
];

function callToJson(call: WorldGroupCall) {
  return {
    ...call,
    startSubscribed: [...call.startSubscribed],
    invited: [...call.invited],
    participants: [...call.participants].map(([userId, participant]) => ({ userId, ...participant })),
    participantsCount: call.participants.size,
  };
}

/** The control API over HTTP/JSON, for tests and tools in other processes. */
export async function startControlHttpServer(
  control: SandboxControl,
  options: { host: string; port: number; extraInfo?: () => unknown },
): Promise<ControlHttpServer> {
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://control");
    if (req.method === "GET" && url.pathname === "/info" && options.extraInfo) {
      return sendJson(res, 200, options.extraInfo());
    }
    for (const [method, path, route] of ROUTES) {
      const match = path.exec(url.pathname);
      if (!match || method !== req.method) continue;
      return sendJson(res, 200, await route(control, await readJson(req), match));
    }
    sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ControlError) return sendJson(res, error.status, { error: error.message });
      if (error instanceof z.ZodError) return sendJson(res, 400, { error: z.prettifyError(error) });
      if (error instanceof TelegramRpcError) return sendJson(res, 400, { error: error.message });
      if (error instanceof SyntaxError) return sendJson(res, 400, { error: `bad JSON: ${error.message}` });
      console.error("[sandbox control] request failed", error);
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  return raw.trim() === "" ? {} : JSON.parse(raw);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
