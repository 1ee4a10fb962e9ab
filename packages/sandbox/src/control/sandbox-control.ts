import type { BotApiState } from "../bot-api/bot-api-context.ts";
import { toBotApiMessage, toBotApiUser } from "../bot-api/bot-api-shapes.ts";
import type { CallbackAnswer } from "../bot-api/callback-queries.ts";
import { requestChatButtons, whyNotPickable } from "../bot-api/chat-picker.ts";
import { detectEntities } from "../bot-api/detect-entities.ts";
import type { CountersSnapshot, RequestCounters } from "../counters/request-counters.ts";
import type { FaultInjector } from "../faults/fault-injector.ts";
import type { LoginDesk, SentLoginCode } from "../mtproto/login/login-desk.ts";
import { inviteHashKind } from "../world/group-call-controls.ts";
import type { MemberRole, WorldGroupCall, WorldMessage } from "../world/types.ts";
import type { World } from "../world/world.ts";
import { describeMessages, waitForWorldMessage } from "./wait-for-message.ts";

/** A control request that cannot happen in this world (unknown user, not a member, no such button). */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "ControlError";
  }
}

export interface SendTextParams {
  /** The user who writes. */
  from: number;
  /** Bot API chat id; the private chat with the bot is the user's own id. */
  chatId: number;
  text: string;
  /** Write as the chat (anonymous admin): the bot sees sender_chat and GroupAnonymousBot. */
  asChat?: boolean;
  replyToMessageId?: number;
}

export interface PressButtonParams {
  from: number;
  chatId: number;
  messageId: number;
  /** The button's callback_data. */
  data: string;
}

export interface ShareChatParams {
  /** The user who picks; the bot's message is in their private chat with the bot. */
  from: number;
  /** The bot's message whose reply keyboard has the request_chat button. */
  messageId: number;
  /** The button's request_chat.request_id. */
  requestId: number;
  /** The Bot API id of the chat picked. */
  chatId: number;
}

export interface PressedButton {
  callbackQueryId: string;
  /** Resolves when the bot calls answerCallbackQuery. */
  answer: Promise<CallbackAnswer>;
}

export interface CallParticipantsChange {
  /** Users (ids of this world) who join. */
  join?: number[];
  /** How many new guest users join (users in no chat, for counts). */
  guests?: number;
  /** The hash of the call's invite link they join by (a speaker link lets them speak). */
  inviteHash?: string;
  /** Users who leave, or everyone. */
  leave?: number[] | "all";
}

export interface WaitOptions {
  /** Default 5000. */
  timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 5000;

/**
 * Acting as users and reading what the bot did: the in-process control API. The HTTP control
 * server exposes the same operations to other processes.
 */
export class SandboxControl {
  constructor(
    readonly world: World,
    readonly faults: FaultInjector,
    protected readonly requestCounters: RequestCounters,
    protected readonly botApi: BotApiState,
    /** The MTProto server's logins (for the codes it sent); absent in a control without MTProto. */
    protected readonly logins?: LoginDesk,
    /** Ends an account's sessions (the MTProto server's); absent in a control without MTProto. */
    private readonly sessionRevoker?: (userId: number) => number,
  ) {}

  /**
   * The account's sessions end, as when its owner terminates them from another device: every
   * further request of theirs gets 401 AUTH_KEY_UNREGISTERED (the issued session strings stop
   * working until the world is loaded again). Returns how many sessions ended.
   */
  revokeSession(userId: number): number {
    if (!this.world.getUser(userId)) throw new ControlError(`user ${userId} is not a user of this world`);
    if (!this.sessionRevoker) throw new ControlError("this sandbox has no MTProto server");
    return this.sessionRevoker(userId);
  }

  async sendText(params: SendTextParams): Promise<WorldMessage> {
    const { world } = this;
    const user = world.getUser(params.from);
    if (!user || user.isBot) throw new ControlError(`user ${params.from} is not a user of this world`);
    const entities = detectEntities(params.text);
    const common = {
      text: params.text,
      entities,
      ...(params.replyToMessageId !== undefined && { replyToMessageId: params.replyToMessageId }),
    };
    if (params.chatId > 0) {
      if (params.chatId !== params.from) {
        throw new ControlError(
          "a user can only write in their own private chat with the bot (chatId = their id)",
        );
      }
      return world.postMessage({ chatId: params.chatId, fromUserId: params.from, ...common });
    }
    const chat = world.chatByBotApiId(params.chatId);
    if (!chat) throw new ControlError(`chat ${params.chatId} is not in this world`, 404);
    const role = world.memberRole(chat.id, params.from);
    if (!world.isMember(chat.id, params.from)) {
      throw new ControlError(
        `user ${params.from} cannot write in chat ${params.chatId} (${role?.status ?? "not a member"})`,
      );
    }
    const isAdmin = role?.status === "owner" || role?.status === "admin";
    if (chat.type === "channel") {
      const mayPost =
        role?.status === "owner" || (role?.status === "admin" && role.rights.postMessages === true);
      if (!mayPost) throw new ControlError(`user ${params.from} may not post in channel ${params.chatId}`);
      return world.postMessage({
        chatId: params.chatId,
        fromUserId: params.from,
        senderChatId: params.chatId,
        ...common,
      });
    }
    const asChat = params.asChat ?? world.isAnonymousAdmin(chat.id, params.from);
    if (asChat && !isAdmin)
      throw new ControlError(`only admins can write as the chat; ${params.from} is ${role?.status}`);
    return world.postMessage({
      chatId: params.chatId,
      fromUserId: params.from,
      ...(asChat && { senderChatId: params.chatId }),
      ...common,
    });
  }

  async pressButton(params: PressButtonParams): Promise<PressedButton> {
    const { world } = this;
    const user = world.getUser(params.from);
    if (!user) throw new ControlError(`user ${params.from} is not a user of this world`);
    const message = world.getMessage(params.chatId, params.messageId);
    if (!message)
      throw new ControlError(`message ${params.messageId} not found in chat ${params.chatId}`, 404);
    const canSee =
      params.chatId > 0
        ? params.chatId === params.from
        : world.isMember(world.chatByBotApiId(params.chatId)?.id ?? 0, params.from);
    if (!canSee) throw new ControlError(`user ${params.from} cannot see chat ${params.chatId}`);
    const buttons = callbackButtons(message.replyMarkup);
    if (!buttons.some((b) => b.data === params.data)) {
      const listed =
        buttons.map((b) => `${JSON.stringify(b.text)} -> ${JSON.stringify(b.data)}`).join(", ") || "none";
      throw new ControlError(
        `message ${params.messageId} has no button with callback_data ${JSON.stringify(params.data)}; its buttons: ${listed}`,
      );
    }
    const query = this.botApi.callbacks.create();
    this.botApi.updates.push({
      callback_query: {
        id: query.id,
        from: toBotApiUser(user),
        message: toBotApiMessage(world, message),
        chat_instance: `${params.chatId}`,
        data: params.data,
      },
    });
    return { callbackQueryId: query.id, answer: query.answer };
  }

  /**
   * The user taps a request_chat button of a bot's reply keyboard and picks `chatId` in
   * Telegram's chat picker: the bot gets a message with chat_shared. A chat the picker would not
   * list (wrong kind, the user or the bot lacks the requested rights, the bot not a member) is
   * refused, as Telegram's picker offers only matching chats.
   */
  shareChat(params: ShareChatParams): WorldMessage {
    const { world } = this;
    const user = world.getUser(params.from);
    if (!user || user.isBot) throw new ControlError(`user ${params.from} is not a user of this world`);
    const message = world.getMessage(params.from, params.messageId);
    if (!message || message.fromUserId !== world.bot.id) {
      throw new ControlError(`no bot message ${params.messageId} in the private chat of ${params.from}`, 404);
    }
    const buttons = requestChatButtons(message.replyMarkup);
    const button = buttons.find((b) => b.request.request_id === params.requestId);
    if (!button) {
      const listed =
        buttons.map((b) => `${JSON.stringify(b.text)} -> ${b.request.request_id}`).join(", ") || "none";
      throw new ControlError(
        `message ${params.messageId} has no request_chat button with request_id ${params.requestId}; its buttons: ${listed}`,
      );
    }
    const refusal = whyNotPickable(world, button.request, params.from, params.chatId);
    if (refusal) throw new ControlError(`the chat picker does not offer this chat: ${refusal}`);
    const chat = world.chatByBotApiId(params.chatId);
    return world.postMessage({
      chatId: params.from,
      fromUserId: params.from,
      service: {
        kind: "chat_shared",
        requestId: params.requestId,
        chatId: params.chatId,
        ...(button.request.request_title === true && chat && { title: chat.title }),
        ...(button.request.request_username === true &&
          chat?.username !== undefined && { username: chat.username }),
      },
    });
  }

  /** What the bot sent into a chat (live messages, with their edit history). */
  botMessages(chatId: number): WorldMessage[] {
    return this.world.messages(chatId).filter((m) => m.fromUserId === this.world.bot.id);
  }

  waitForBotMessage(
    chatId: number,
    predicate: (message: WorldMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<WorldMessage> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitForWorldMessage(
      this.world,
      ["message", "messageEdited"],
      () => this.botMessages(chatId).find(predicate),
      timeoutMs,
      () =>
        `No bot message in chat ${chatId} matched within ${timeoutMs} ms. The bot's messages there:\n${describeMessages(this.botMessages(chatId))}`,
    );
  }

  waitForEdit(
    chatId: number,
    messageId: number,
    predicate: (message: WorldMessage) => boolean,
    options: WaitOptions = {},
  ): Promise<WorldMessage> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const check = () => {
      const message = this.world.getMessage(chatId, messageId);
      return message && message.editHistory.length > 0 && predicate(message) ? message : undefined;
    };
    return waitForWorldMessage(
      this.world,
      ["messageEdited"],
      check,
      timeoutMs,
      () =>
        `Message ${messageId} in chat ${chatId} was not edited to match within ${timeoutMs} ms. The bot's messages there:\n${describeMessages(this.botMessages(chatId))}`,
    );
  }

  /** Every call a chat had (Bot API chat id), oldest first. */
  calls(chatId: number): WorldGroupCall[] {
    const chat = this.world.chatByBotApiId(chatId);
    return chat ? this.world.callsOf(chat.id) : [];
  }

  /**
   * Simulated participants of a chat's live call (Bot API chat id): users join (by an invite
   * link's hash when given; a reset or unknown hash is refused), `guests` new guest users join,
   * users leave (`"all"`: everyone). Answers the call with its participant count.
   */
  callParticipants(chatId: number, change: CallParticipantsChange): WorldGroupCall {
    const chat = this.world.chatByBotApiId(chatId);
    if (!chat) throw new ControlError(`chat ${chatId} is not in this world`, 404);
    const call = this.world.currentCall(chat.id);
    if (call?.state !== "active") throw new ControlError(`chat ${chatId} has no live call to join or leave`);
    for (const id of change.join ?? []) {
      if (!this.world.getUser(id)) throw new ControlError(`user ${id} is not a user of this world`);
    }
    if (
      change.inviteHash !== undefined &&
      inviteHashKind(this.world, call, change.inviteHash) === undefined
    ) {
      throw new ControlError("that invite hash is not a link of this call now (never handed out, or reset)");
    }
    const joining = [...(change.join ?? []), ...this.world.addGuestUsers(change.guests ?? 0)];
    if (joining.length > 0) this.world.joinGroupCall(call.id, joining, this.world.now(), change.inviteHash);
    const leaving = change.leave === "all" ? [...call.participants.keys()] : (change.leave ?? []);
    if (leaving.length > 0) this.world.leaveGroupCall(call.id, leaving);
    return call;
  }

  /** What an account has in its Saved Messages (its chat with itself), oldest first. */
  savedMessages(accountId: number): WorldMessage[] {
    return this.world.saved.of(accountId);
  }

  /** `byUserId`: who made the change (my_chat_member's `from` when it is the bot's role); default the owner. */
  setRole(chatId: number, userId: number, role: MemberRole, byUserId?: number): void {
    const chat = this.world.chatByBotApiId(chatId);
    if (!chat) throw new ControlError(`chat ${chatId} is not in this world`, 404);
    this.world.setRole(chat.id, userId, role, byUserId);
  }

  /**
   * Upgrades a basic group (Bot API id -N) to a supergroup, as `by` (its owner) would; returns
   * the supergroup's Bot API id (-100…).
   */
  migrateGroup(chatId: number, by: number): number {
    const chat = this.world.chatByBotApiId(chatId);
    if (!chat) throw new ControlError(`chat ${chatId} is not in this world`, 404);
    if (chat.type !== "group" || chat.migratedTo !== undefined)
      throw new ControlError(`chat ${chatId} is not a basic group that can be upgraded`);
    if (this.world.memberRole(chat.id, by)?.status !== "owner")
      throw new ControlError(`only the group's owner can upgrade it; ${by} is not`);
    return this.world.migrateToSupergroup(chat.id, by);
  }

  /** The Bot API stops answering (connections cut) for `ms`, or until botApiUp(). */
  botApiDown(ms?: number): void {
    this.botApi.availability.down(ms);
  }

  botApiUp(): void {
    this.botApi.availability.up();
  }

  /**
   * The login codes auth.sendCode "sent" (Telegram delivers them to the account's other
   * apps), oldest first; only those for `phone` when given.
   */
  loginCodes(phone?: string): SentLoginCode[] {
    return this.logins?.sentCodes(phone) ?? [];
  }

  /** Calls `listener` for each login code sent from now on (the demo prints them); returns the unsubscribe. */
  onLoginCode(listener: (sent: SentLoginCode) => void): () => void {
    this.logins?.on("code", listener);
    return () => this.logins?.off("code", listener);
  }

  counters(): CountersSnapshot {
    return this.requestCounters.snapshot();
  }

  resetCounters(): void {
    this.requestCounters.reset();
  }
}

function callbackButtons(markup: unknown): Array<{ text: string; data: string }> {
  const keyboard = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(keyboard)) return [];
  return keyboard
    .flat()
    .flatMap((button: { text?: string; callback_data?: string }) =>
      typeof button?.callback_data === "string"
        ? [{ text: button.text ?? "", data: button.callback_data }]
        : [],
    );
}
