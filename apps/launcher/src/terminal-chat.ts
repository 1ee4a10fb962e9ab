import { createInterface } from "node:readline";
import type { Sandbox, WorldMessage } from "@callbot/sandbox";

/** The people and chats of the demo world a newcomer can act as and write in. */
export interface DemoCast {
  people: Record<string, { id: number; label: string }>;
  chats: Record<string, { id: number; label: string }>;
}

export const DEMO_CAST: DemoCast = {
  people: {
    olga: { id: 1001, label: "Olga (owner of every demo chat)" },
    adam: { id: 1002, label: "Adam (admin with the video-chat right in Demo Community)" },
    nina: { id: 1003, label: "Nina (admin without the video-chat right)" },
    max: { id: 1004, label: "Max (plain member)" },
    sam: { id: 1005, label: "Sam (a stranger)" },
  },
  chats: {
    community: { id: -1001500000001, label: "Demo Community (public supergroup)" },
    channel: { id: -1001500000002, label: "Demo Channel (public channel)" },
    team: { id: -1001500000003, label: "Private Team (private supergroup)" },
    locked: { id: -1001500000004, label: "Locked Room (the assistant is not in it)" },
    norights: { id: -1001500000005, label: "No Rights Club (the assistant lacks the right)" },
    studio: { id: -1001500000006, label: "Olga's Studio (owned by the assistant: livestreams work here)" },
  },
};

export interface TerminalChatOptions {
  sandbox: Sandbox;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  cast?: DemoCast;
}

/**
 * A chat in the terminal: what you type is sent to the sandbox as a Telegram user, and what the
 * bot sends or edits, and the video chats that appear, are printed as they happen.
 * Resolves when the input ends or `:quit` is typed.
 */
export function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const { sandbox, output } = options;
  const cast = options.cast ?? DEMO_CAST;
  const firstPerson = Object.values(cast.people)[0];
  const firstChat = Object.values(cast.chats)[0];
  if (!firstPerson || !firstChat) throw new Error("the demo cast needs at least one person and one chat");
  let me = firstPerson;
  let here = firstChat;
  const print = (line: string) => output.write(`${line}\n`);
  const chatName = (chatId: number) =>
    chatId > 0
      ? `private chat of ${
          Object.values(cast.people)
            .find((p) => p.id === chatId)
            ?.label.split(" ")[0] ?? chatId
        }`
      : (sandbox.world.chatByBotApiId(chatId)?.title ?? String(chatId));
  const visible = (message: WorldMessage) => message.chatId === here.id || message.chatId === me.id;

  const onMessage = (message: WorldMessage) => {
    if (!visible(message)) return;
    if (message.service) {
      print(`[${chatName(message.chatId)}] * ${describeService(message)}`);
    } else if (message.fromUserId === sandbox.info.botId) {
      print(`[${chatName(message.chatId)}] bot: ${message.text ?? ""}${describeButtons(message)}`);
    }
  };
  const onEdit = (message: WorldMessage) => {
    if (!visible(message) || message.fromUserId !== sandbox.info.botId) return;
    print(`[${chatName(message.chatId)}] bot (edited): ${message.text ?? ""}${describeButtons(message)}`);
  };
  sandbox.world.on("message", onMessage);
  sandbox.world.on("messageEdited", onEdit);

  const help = () => {
    print("Type a message or a command as the current person, in the current chat. Try:");
    print("  /newcall Demo stream in 1h");
    print("  /newcall Town hall tomorrow 18:30");
    print("  :chat studio, then /newcall Concert rtmp (a livestream; the key arrives in :chat private)");
    print("  /help");
    print("Switch with :as <person> and :chat <chat> (:chat private is your chat with the bot).");
    print(`  people: ${Object.keys(cast.people).join(", ")}`);
    print(`  chats: ${Object.keys(cast.chats).join(", ")}, private`);
    print(
      "  /calls lists the chat's calls with buttons; :press <button text> presses one (e.g. :press Start now).",
    );
    print("  :calls shows the video chats as Telegram (the sandbox) sees them; :quit stops everything.");
  };
  const where = () =>
    print(
      `You are ${me.label}, writing in ${here.id === me.id ? "your private chat with the bot" : here.label}.`,
    );

  /** Presses the inline button whose text contains `label`, on the newest bot message here that has one. */
  const press = (label: string) => {
    if (label === "") return print("Which button? For example :press Start now");
    const wanted = label.toLowerCase();
    const withButton = sandbox
      .botMessages(here.id)
      .reverse()
      .map((message) => ({
        message,
        button: inlineButtons(message).find((b) => b.text.toLowerCase().includes(wanted)),
      }))
      .find((found) => found.button?.callback_data !== undefined);
    if (!withButton?.button?.callback_data) return print(`(no button "${label}" on the bot's messages here)`);
    sandbox
      .pressButton({
        from: me.id,
        chatId: here.id,
        messageId: withButton.message.id,
        data: withButton.button.callback_data,
      })
      .then((pressed) => pressed.answer)
      .then((answer) => {
        if (answer.text)
          print(`[${chatName(here.id)}] bot (${answer.showAlert ? "alert" : "notice"}): ${answer.text}`);
      })
      .catch((error: unknown) =>
        print(`(could not press: ${error instanceof Error ? error.message : String(error)})`),
      );
  };

  help();
  where();
  const lines = createInterface({ input: options.input, terminal: false });
  return new Promise((resolve) => {
    const finish = () => {
      sandbox.world.off("message", onMessage);
      sandbox.world.off("messageEdited", onEdit);
      lines.close();
      resolve();
    };
    lines.on("close", finish);
    lines.on("line", (raw) => {
      const line = raw.trim();
      if (line === "") return;
      if (line === ":quit") return finish();
      if (line === ":help") return help();
      if (line === ":calls") {
        const calls = sandbox.calls(here.id);
        if (calls.length === 0) print("(no video chats here)");
        for (const call of calls)
          print(`  ${call.title ?? "(untitled)"}: ${call.state}${call.rtmp ? ", livestream" : ""}`);
        return;
      }
      const [command, argument = ""] = line.split(/\s+/, 2);
      if (command === ":as") {
        const person = cast.people[argument.toLowerCase()];
        if (!person) return print(`No such person. People: ${Object.keys(cast.people).join(", ")}`);
        const wasPrivate = here.id === me.id;
        me = person;
        if (wasPrivate) here = { id: me.id, label: "private chat" };
        return where();
      }
      if (command === ":chat") {
        if (argument.toLowerCase() === "private") here = { id: me.id, label: "private chat" };
        else {
          const chat = cast.chats[argument.toLowerCase()];
          if (!chat) return print(`No such chat. Chats: ${Object.keys(cast.chats).join(", ")}, private`);
          here = chat;
        }
        return where();
      }
      if (command === ":press") return press(line.slice(":press".length).trim());
      if (line.startsWith(":")) return print("Unknown terminal command; :help lists them.");
      sandbox.sendText({ from: me.id, chatId: here.id, text: line }).catch((error: unknown) => {
        print(`(could not send: ${error instanceof Error ? error.message : String(error)})`);
      });
    });
  });
}

function describeService(message: WorldMessage): string {
  const service = message.service;
  switch (service?.kind) {
    case "video_chat_scheduled":
      return `Video chat scheduled for ${new Date(service.startDate * 1000).toISOString()}`;
    case "video_chat_started":
      return "Video chat started";
    case "video_chat_ended":
      return `Video chat ended after ${service.duration} s`;
    case "video_chat_participants_invited":
      return `Users invited to the video chat: ${service.userIds.join(", ")}`;
    default:
      return "service message";
  }
}

function inlineButtons(message: WorldMessage): { text: string; callback_data?: string }[] {
  const markup = message.replyMarkup as
    | { inline_keyboard?: { text: string; callback_data?: string }[][] }
    | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

function describeButtons(message: WorldMessage): string {
  const labels = inlineButtons(message).map((button) => button.text);
  return labels.length > 0 ? `  [${labels.join("] [")}]` : "";
}
