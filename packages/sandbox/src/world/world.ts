import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { botApiChatId, nativeChatRef } from "./bot-api-ids.ts";
import { seededLong, seededToken } from "./deterministic-ids.ts";
import {
  type FixtureLogin,
  type FixtureMember,
  type WorldFixture,
  worldFixtureSchema,
} from "./fixture-schema.ts";
import { forwardSavedMessages } from "./forward-saved-messages.ts";
import {
  exportGroupCallInvite,
  finishRecording,
  inviteToGroupCall,
  joinGroupCall,
  leaveGroupCall,
  type ToggleRecordParams,
  toggleGroupCallRecord,
  toggleGroupCallSettings,
} from "./group-call-controls.ts";
import {
  assertMayManageCalls,
  assertValidScheduleDate,
  callTitleWithinLimit,
  isPresentMember,
} from "./group-call-rules.ts";
import { InviteLinks, type WorldInviteLink } from "./invite-links.ts";
import { MethodFloodMeter } from "./method-flood-meter.ts";
import { SavedMessages } from "./saved-messages.ts";
import {
  type MemberRole,
  TelegramRpcError,
  type WorldChat,
  type WorldDocument,
  type WorldEvents,
  type WorldGroupCall,
  type WorldMessage,
  type WorldUser,
} from "./types.ts";
import {
  applySettingsPatch,
  DEFAULT_WORLD_SETTINGS,
  type WorldSettings,
  type WorldSettingsPatch,
  worldSettingsPatchSchema,
} from "./world-settings.ts";

const DEFAULT_SEED = "callbot-sandbox";
/** Guest users (addGuestUsers) get ids above this, far from any fixture's. */
const GUEST_USER_IDS_FROM = 8_000_000_000;
/** Telegram's RTMP ingest for livestreams; the sandbox hands out the same shape. */
const RTMP_URL = "rtmps://dc4-1.rtmp.t.me/s/";

export interface WorldBot {
  id: number;
  username: string;
  firstName: string;
  token: string;
}

export interface CreateGroupCallParams {
  /** Non-zero int32 the client picks; the same (account, random_id) never creates a second call. */
  randomId: number;
  title?: string;
  /** Unix seconds; makes a scheduled call. */
  scheduleDate?: number;
  rtmp: boolean;
}

export type WorldServiceAction = NonNullable<WorldMessage["service"]>;

export interface PostMessageParams {
  /** Bot API chat id; for the private chat with the bot, the user's id. */
  chatId: number;
  fromUserId?: number;
  senderChatId?: number;
  text?: string;
  entities?: unknown[];
  replyMarkup?: unknown;
  replyToMessageId?: number;
  service?: WorldServiceAction;
  callId?: string;
  document?: WorldDocument;
  forwardedFrom?: { userId: number; date: number };
  /** Unix seconds; now by default. */
  date?: number;
}

export interface EditMessageParams {
  text?: string;
  entities?: unknown[];
  /** `null` removes the keyboard; `undefined` keeps it. */
  replyMarkup?: unknown | null;
}

export type ResolvedUsername = { kind: "user"; user: WorldUser } | { kind: "chat"; chat: WorldChat };

/**
 * The simulated Telegram: users, chats, members, messages and group calls, with Telegram's rules
 * and no protocol in it. The Bot API and MTProto servers both read and change this one object,
 * so a right granted on one side (can_manage_video_chats) is the same fact on the other
 * (manage_call). Changes are announced as events (WorldEvents) that the servers turn into updates.
 */
export class World extends EventEmitter<WorldEvents> {
  seed = DEFAULT_SEED;
  bot!: WorldBot;
  /** Accounts the sandbox issues MTProto sessions for. */
  userbotIds: number[] = [];
  /** How the world answers where Telegram does not document the answer (see WorldSettings). */
  settings: WorldSettings = { ...DEFAULT_WORLD_SETTINGS };
  /** Accounts that can log in with a phone number (the MTProto server's auth.* methods read them). */
  logins: FixtureLogin[] = [];

  private users = new Map<number, WorldUser>();
  private chats = new Map<number, WorldChat>();
  private messagesByChat = new Map<number, WorldMessage[]>();
  private calls = new Map<string, WorldGroupCall>();
  /** `${account}:${chat}:${randomId}` -> call id, for random_id deduplication. */
  private callsByRandomId = new Map<string, string>();
  private callCounter = 0;
  /** Per chat: how many times the RTMP key was revoked (the key derives from it). */
  private rtmpKeyGeneration = new Map<number, number>();
  /** Every stream key and invite hash handed out, for tests that scan logs and Redis for them. */
  private handedOut = new Set<string>();
  private startedBot = new Set<number>();
  private blockedBot = new Set<number>();
  /** The pinned message of each chat (Bot API chat id), as pinChatMessage left it. */
  private pinned = new Map<number, number>();
  /** Per-account, per-method flood budgets (settings.methodFloods). */
  private floods = new MethodFloodMeter();
  /** Timers that discard never-started scheduled calls (scheduledCallExpiry "discarded"). */
  private expiryTimers = new Set<NodeJS.Timeout>();
  readonly inviteLinks = new InviteLinks(() => this.seed);
  /** Each account's Saved Messages, where recordings of group calls arrive. */
  readonly saved = new SavedMessages((accountId, message) =>
    this.emit("savedMessage", { accountId, message }),
  );

  constructor(fixture: WorldFixture | unknown) {
    super();
    // Servers, the control API and tests all listen; Node's default of 10 is too low.
    this.setMaxListeners(100);
    this.reset(worldFixtureSchema.parse(fixture));
  }

  static fromFile(path: string): World {
    return new World(readWorldFixture(path));
  }

  /** Replaces everything with a new fixture, keeping this object (servers hold a reference). */
  load(fixture: WorldFixture | unknown): void {
    this.reset(worldFixtureSchema.parse(fixture));
    this.emit("loaded");
  }

  private reset(fixture: WorldFixture): void {
    this.seed = fixture.seed ?? DEFAULT_SEED;
    this.bot = { ...fixture.bot };
    this.userbotIds = [...fixture.userbots];
    this.settings = applySettingsPatch(DEFAULT_WORLD_SETTINGS, fixture.settings);
    this.logins = (fixture.logins ?? []).map((login) => ({ ...login }));
    this.floods.clear();
    for (const timer of this.expiryTimers) clearTimeout(timer);
    this.expiryTimers.clear();
    this.users.clear();
    this.chats.clear();
    this.messagesByChat.clear();
    this.calls.clear();
    this.callsByRandomId.clear();
    this.callCounter = 0;
    this.rtmpKeyGeneration.clear();
    this.startedBot.clear();
    this.blockedBot.clear();
    this.pinned.clear();
    this.inviteLinks.clear();
    this.saved.clear();

    this.users.set(fixture.bot.id, {
      id: fixture.bot.id,
      firstName: fixture.bot.firstName,
      username: fixture.bot.username,
      isBot: true,
    });
    for (const user of fixture.users) {
      this.users.set(user.id, {
        id: user.id,
        firstName: user.firstName,
        ...(user.lastName !== undefined && { lastName: user.lastName }),
        ...(user.username !== undefined && { username: user.username }),
      });
      if (user.startedBot) this.startedBot.add(user.id);
      if (user.blockedBot) this.blockedBot.add(user.id);
    }
    for (const chat of fixture.chats) {
      this.chats.set(chat.id, {
        id: chat.id,
        type: chat.type,
        title: chat.title,
        ...(chat.username !== undefined && { username: chat.username }),
        members: new Map(chat.members.map((m) => [m.userId, roleFromFixture(m)])),
        ...(chat.linkedChatId !== undefined && { linkedChatId: chat.linkedChatId }),
      });
    }
  }

  /**
   * Counts one MTProto request against the account's budget for that method; answers the
   * seconds of FLOOD_WAIT_X when the account must wait instead (settings.methodFloods).
   */
  floodWaitFor(accountId: number, method: string, nowMs = this.now()): number | undefined {
    return this.floods.take(this.settings.methodFloods[method], accountId, method, nowMs);
  }

  /** The world's time (unix ms): the machine's plus settings.clockOffsetMs. */
  now(): number {
    return Date.now() + this.settings.clockOffsetMs;
  }

  /** Changes some settings, keeping the others; answers the settings now in force. */
  configure(patch: WorldSettingsPatch | unknown): WorldSettings {
    this.settings = applySettingsPatch(this.settings, worldSettingsPatchSchema.parse(patch));
    return { ...this.settings };
  }

  // ---- users and chats ----

  getUser(id: number): WorldUser | undefined {
    return this.users.get(id);
  }

  allUsers(): WorldUser[] {
    return [...this.users.values()];
  }

  /**
   * `count` new users ("Guest 1", …) in no chat: listeners of a public call who are nobody the
   * fixture names (simulated participants; sandbox-only). Answers their ids.
   */
  addGuestUsers(count: number, options: { startedBot?: boolean } = {}): number[] {
    const ids: number[] = [];
    let id = Math.max(GUEST_USER_IDS_FROM, ...this.users.keys());
    for (let n = 0; n < count; n += 1) {
      id += 1;
      this.users.set(id, { id, firstName: `Guest ${id - GUEST_USER_IDS_FROM}` });
      // A guest who once wrote to the bot: it may write to them (reminder tests with many users).
      if (options.startedBot) this.startedBot.add(id);
      ids.push(id);
    }
    return ids;
  }

  getChat(nativeId: number): WorldChat | undefined {
    return this.chats.get(nativeId);
  }

  allChats(): WorldChat[] {
    return [...this.chats.values()];
  }

  chatByBotApiId(botApiId: number): WorldChat | undefined {
    const ref = nativeChatRef(botApiId);
    if (!ref) return undefined;
    const chat = this.chats.get(ref.id);
    if (!chat) return undefined;
    return (ref.kind === "group") === (chat.type === "group") ? chat : undefined;
  }

  botApiIdOf(chat: WorldChat): number {
    return botApiChatId(chat);
  }

  resolveUsername(username: string): ResolvedUsername | undefined {
    const wanted = username.replace(/^@/, "").toLowerCase();
    for (const user of this.users.values()) {
      if (user.username?.toLowerCase() === wanted) return { kind: "user", user };
    }
    for (const chat of this.chats.values()) {
      if (chat.username?.toLowerCase() === wanted) return { kind: "chat", chat };
    }
    return undefined;
  }

  /**
   * Upgrades a basic group to a supergroup, as Telegram does at 200 members or when the group
   * goes public: a supergroup with a new id takes the group's title and members, and the group
   * is deactivated with migrated_to pointing at it (MTProto chat#41cbf256 flags.5/flags.6). Bots
   * get two service messages: migrate_from_chat_id in the new chat, then migrate_to_chat_id in
   * the old one (core.telegram.org/bots/api#message; their order: TelegramBots/Telegram.Bot#171).
   * ASSUMPTION (no source found): the group's scheduled or live call moves with it, or ends
   * first (settings.callOnGroupUpgrade).
   * Returns the supergroup's Bot API id.
   */
  migrateToSupergroup(groupNativeId: number, byUserId: number, now = this.now()): number {
    const group = this.requireChat(groupNativeId);
    if (group.type !== "group" || group.migratedTo !== undefined) {
      throw new TelegramRpcError(400, "CHAT_ID_INVALID");
    }
    if (this.settings.callOnGroupUpgrade === "ends") {
      const call = this.currentCall(group.id);
      if (call) this.endCall(call, byUserId, now);
    }
    const id = Math.max(1_000_000_000, ...this.chats.keys()) + 1;
    const supergroup: WorldChat = {
      id,
      type: "supergroup",
      title: group.title,
      members: new Map(group.members),
      migratedFrom: group.id,
    };
    this.chats.set(id, supergroup);
    group.migratedTo = id;
    for (const call of this.calls.values()) {
      if (call.chatId === group.id && call.state !== "discarded") call.chatId = id;
    }
    const date = Math.floor(now / 1000);
    const [oldId, newId] = [botApiChatId(group), botApiChatId(supergroup)];
    this.postMessage({
      chatId: newId,
      fromUserId: byUserId,
      service: { kind: "migrate_from_chat_id", chatId: oldId },
      date,
    });
    this.postMessage({
      chatId: oldId,
      fromUserId: byUserId,
      service: { kind: "migrate_to_chat_id", chatId: newId },
      date,
    });
    return newId;
  }

  /**
   * The access hash `accountId` is given for a user or a chat. Telegram's are account-bound:
   * "every account will see a different value for the same resource" (Telethon's glossary,
   * "access hash"), and a hash another account was given is refused (CHANNEL_INVALID).
   * Basic groups have none in MTProto; "0" keeps the field a valid long.
   */
  /** The access hash of a group call as `accountId` is given it (settings.callAccessHashes). */
  callAccessHash(call: WorldGroupCall, accountId: number): string {
    if (this.settings.callAccessHashes === "per-call") return call.accessHash;
    return seededLong(this.seed, "call-access-hash", call.id, "seen-by", accountId);
  }

  accessHash(kind: "user" | "chat", id: number, accountId: number): string {
    if (kind === "chat" && this.chats.get(id)?.type === "group") return "0";
    return seededLong(this.seed, kind, id, "seen-by", accountId);
  }

  // ---- members ----

  memberRole(chatNativeId: number, userId: number): MemberRole | undefined {
    return this.chats.get(chatNativeId)?.members.get(userId);
  }

  /** Owner, admin or member (not left, not banned). */
  isMember(chatNativeId: number, userId: number): boolean {
    return isPresentMember(this.memberRole(chatNativeId, userId));
  }

  /** Owner or admin posting as the chat itself (Bot API: sender_chat; from = GroupAnonymousBot). */
  isAnonymousAdmin(chatNativeId: number, userId: number): boolean {
    const role = this.memberRole(chatNativeId, userId);
    if (role?.status === "owner") return role.anonymous === true;
    if (role?.status === "admin") return role.rights.anonymous === true;
    return false;
  }

  chatsOf(userId: number): WorldChat[] {
    return [...this.chats.values()].filter((chat) => this.isMember(chat.id, userId));
  }

  /**
   * Changes a member's role. `byUserId`: who did it (the Bot API's my_chat_member `from`);
   * by default the chat's owner, as when an admin adds or promotes someone in the app.
   */
  setRole(chatNativeId: number, userId: number, role: MemberRole, byUserId?: number): void {
    const chat = this.requireChat(chatNativeId);
    if (!this.users.has(userId)) throw new TelegramRpcError(400, "USER_ID_INVALID");
    const previous = chat.members.get(userId);
    chat.members.set(userId, role);
    const by = byUserId ?? [...chat.members].find(([, r]) => r.status === "owner")?.[0] ?? userId;
    this.emit("memberChanged", { chatId: chatNativeId, userId, role, previous, byUserId: by });
  }

  // ---- joining ----

  createInviteLink(
    chatNativeId: number,
    creatorId: number,
    options: { expireDate?: number; memberLimit?: number } = {},
  ): WorldInviteLink {
    this.requireChat(chatNativeId);
    return this.inviteLinks.create(chatNativeId, creatorId, options);
  }

  /**
   * messages.importChatInvite. A user banned from the chat meets CHANNEL_PRIVATE, as Telegram
   * answers a kicked user (telegramdesktop/tdesktop#3507); a member, USER_ALREADY_PARTICIPANT.
   */
  joinByInvite(userId: number, hash: string, now = this.now()): WorldChat {
    const link = this.inviteLinks.usable(hash, Math.floor(now / 1000));
    const chat = this.requireChat(link.chatId);
    const role = this.memberRole(chat.id, userId);
    if (role?.status === "banned") throw new TelegramRpcError(400, "CHANNEL_PRIVATE");
    if (isPresentMember(role)) throw new TelegramRpcError(400, "USER_ALREADY_PARTICIPANT");
    link.joined += 1;
    this.setRole(chat.id, userId, { status: "member" }, userId);
    return chat;
  }

  /**
   * channels.joinChannel: public chats only (a private one cannot be addressed without an
   * invite); banned users meet CHANNEL_PRIVATE; a member's join changes nothing.
   */
  joinPublicChat(userId: number, chatNativeId: number): WorldChat {
    const chat = this.requireChat(chatNativeId);
    const role = this.memberRole(chat.id, userId);
    if (role?.status === "banned") throw new TelegramRpcError(400, "CHANNEL_PRIVATE");
    if (isPresentMember(role)) return chat;
    if (!chat.username) throw new TelegramRpcError(400, "CHANNEL_PRIVATE");
    this.setRole(chat.id, userId, { status: "member" }, userId);
    return chat;
  }

  // ---- pinned messages ----

  pinMessage(chatId: number, messageId: number): void {
    this.pinned.set(chatId, messageId);
  }

  /** The id of the chat's pinned message (Bot API chat id), if any. */
  pinnedMessageId(chatId: number): number | undefined {
    return this.pinned.get(chatId);
  }

  // ---- the bot's private chats ----

  /** Telegram lets a bot write to a user only after the user started it (wrote to it first). */
  hasStartedBot(userId: number): boolean {
    return this.startedBot.has(userId);
  }

  hasBlockedBot(userId: number): boolean {
    return this.blockedBot.has(userId);
  }

  setBlockedBot(userId: number, blocked: boolean): void {
    if (blocked) this.blockedBot.add(userId);
    else this.blockedBot.delete(userId);
  }

  // ---- group calls ----

  /**
   * core.telegram.org/api/group-calls ("Video chats/livestreams"): "A basic group/supergroup/
   * channel can have only one associated video chat/livestream: starting a new one will
   * terminate the previous one." So a create in a chat that has a scheduled or active call
   * discards that call first (its updateGroupCall and video_chat_ended come first in the one
   * Updates), then creates the new one.
   */
  createGroupCall(
    byUserId: number,
    chatNativeId: number,
    params: CreateGroupCallParams,
    now = this.now(),
  ): WorldGroupCall {
    const chat = this.chats.get(chatNativeId);
    if (!chat) throw new TelegramRpcError(400, "PEER_ID_INVALID");
    if (params.randomId === 0) throw new TelegramRpcError(400, "RANDOM_ID_INVALID");
    this.expireScheduledCalls(now);

    // ASSUMPTION: the random_id scope is (account, chat, random_id); Telegram does not document
    // it, and a random_id that happens to repeat in another chat must not hand back a call in the
    // wrong chat. What a repeat gets is the randomIdRetry setting.
    const dedupKey = `${byUserId}:${chatNativeId}:${params.randomId}`;
    const earlierId = this.callsByRandomId.get(dedupKey);
    if (earlierId !== undefined) {
      if (this.settings.randomIdRetry === "error") throw new TelegramRpcError(500, "RANDOM_ID_DUPLICATE");
      const earlier = this.calls.get(earlierId);
      if (this.settings.randomIdRetry === "same-call" && earlier) return earlier;
      // "new-call": carried out like a fresh request, so it replaces the first call.
    }

    const role = this.memberRole(chatNativeId, byUserId);
    assertMayManageCalls(chat, role);
    // tdesktop (calls_group_call.cpp, GroupCall::start) and Telegram-iOS (GroupCalls.swift) handle
    // this refusal of createGroupCall by an anonymous admin. The code 403 is an ASSUMPTION.
    if (this.isAnonymousAdmin(chatNativeId, byUserId)) {
      throw new TelegramRpcError(403, "GROUPCALL_ANONYMOUS_FORBIDDEN");
    }
    // core.telegram.org: only the chat's owner may start an RTMP livestream.
    if (params.rtmp && role?.status !== "owner") throw new TelegramRpcError(400, "CHAT_ADMIN_REQUIRED");
    const title = callTitleWithinLimit(params.title, this.settings.overlongCallTitle);
    assertValidScheduleDate(params.scheduleDate, now);

    const previous = this.currentCall(chatNativeId);
    if (previous) this.endCall(previous, byUserId, now);

    this.callCounter += 1;
    const scheduled = params.scheduleDate !== undefined;
    const call: WorldGroupCall = {
      id: seededLong(this.seed, "call", this.callCounter),
      accessHash: seededLong(this.seed, "call-access-hash", this.callCounter),
      chatId: chatNativeId,
      ...(title !== undefined && { title }),
      ...(scheduled && { scheduleDate: params.scheduleDate }),
      rtmp: params.rtmp,
      state: scheduled ? "scheduled" : "active",
      createdBy: byUserId,
      randomId: params.randomId,
      ...(!scheduled && { startedAt: Math.floor(now / 1000) }),
      version: 1,
      startSubscribed: new Set(),
      joinMuted: false,
      inviteGeneration: 0,
      participants: new Map(),
      invited: new Set(),
    };
    this.calls.set(call.id, call);
    this.callsByRandomId.set(dedupKey, call.id);
    this.emit("groupCall", call);
    this.postCallServiceMessage(
      call,
      byUserId,
      scheduled
        ? { kind: "video_chat_scheduled", startDate: params.scheduleDate! }
        : { kind: "video_chat_started" },
      now,
    );
    if (scheduled) this.armScheduledCallExpiry(call);
    return call;
  }

  /**
   * scheduledCallExpiry "discarded": discards every never-started scheduled call whose date is
   * more than scheduledCallExpirySeconds past. Runs before every read of a chat's call (so the
   * answer never depends on timer precision) and from a timer (so the bot sees video_chat_ended).
   */
  expireScheduledCalls(now = this.now()): void {
    if (this.settings.scheduledCallExpiry !== "discarded") return;
    const limit = Math.floor(now / 1000) - this.settings.scheduledCallExpirySeconds;
    for (const call of this.calls.values()) {
      if (call.state === "scheduled" && call.scheduleDate !== undefined && call.scheduleDate <= limit) {
        // The server itself ends it; the service message comes from the chat's creator of the call.
        this.endCall(call, call.createdBy, now);
      }
    }
  }

  private armScheduledCallExpiry(call: WorldGroupCall): void {
    if (this.settings.scheduledCallExpiry !== "discarded" || call.scheduleDate === undefined) return;
    const dueMs = (call.scheduleDate + this.settings.scheduledCallExpirySeconds) * 1000 - this.now();
    // setTimeout's limit is about 24.8 days; scheduled calls are at most 8 days ahead.
    const timer = setTimeout(
      () => {
        this.expiryTimers.delete(timer);
        this.expireScheduledCalls(this.now() + 999);
      },
      Math.max(0, dueMs),
    );
    timer.unref();
    this.expiryTimers.add(timer);
  }

  getGroupCall(callId: string): WorldGroupCall | undefined {
    return this.calls.get(callId);
  }

  /** The chat's scheduled or active call, if any. */
  currentCall(chatNativeId: number): WorldGroupCall | undefined {
    for (const call of this.calls.values()) {
      if (call.chatId === chatNativeId && call.state !== "discarded") return call;
    }
    return undefined;
  }

  /** Every call a chat ever had, oldest first. */
  callsOf(chatNativeId: number): WorldGroupCall[] {
    return [...this.calls.values()].filter((call) => call.chatId === chatNativeId);
  }

  startScheduledGroupCall(byUserId: number, callId: string, now = this.now()): WorldGroupCall {
    const call = this.calls.get(callId);
    if (!call || call.state === "discarded") throw new TelegramRpcError(400, "GROUPCALL_INVALID");
    this.assertMayManage(call.chatId, byUserId);
    if (call.state === "active") {
      // Documented 403 GROUPCALL_ALREADY_STARTED, or what TDLib also accepts (settings.startOfLiveCall).
      if (this.settings.startOfLiveCall === "not-modified")
        throw new TelegramRpcError(400, "GROUPCALL_NOT_MODIFIED");
      throw new TelegramRpcError(403, "GROUPCALL_ALREADY_STARTED");
    }
    call.state = "active";
    delete call.scheduleDate;
    call.startedAt = Math.floor(now / 1000);
    call.version += 1;
    this.emit("groupCall", call);
    this.postCallServiceMessage(call, byUserId, { kind: "video_chat_started" }, now);
    return call;
  }

  discardGroupCall(byUserId: number, callId: string, now = this.now()): WorldGroupCall {
    const call = this.calls.get(callId);
    if (!call) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
    if (call.state === "discarded") throw new TelegramRpcError(400, "GROUPCALL_ALREADY_DISCARDED");
    this.assertMayManage(call.chatId, byUserId);
    return this.endCall(call, byUserId, now);
  }

  /** Discards a call: its updateGroupCall (groupCallDiscarded) and video_chat_ended with the duration. */
  private endCall(call: WorldGroupCall, byUserId: number, now: number): WorldGroupCall {
    const duration = call.startedAt === undefined ? 0 : Math.max(0, Math.floor(now / 1000) - call.startedAt);
    call.state = "discarded";
    call.duration = duration;
    // Ending a call ends its recording (the file is delivered) and sends everyone away.
    finishRecording(this, call, byUserId, now);
    call.participants.clear();
    delete call.scheduleDate;
    call.version += 1;
    this.emit("groupCall", call);
    this.postCallServiceMessage(call, byUserId, { kind: "video_chat_ended", duration }, now);
    return call;
  }

  editGroupCallTitle(byUserId: number, callId: string, title: string): WorldGroupCall {
    const call = this.requireLiveCall(callId);
    this.assertMayManage(call.chatId, byUserId);
    const kept = callTitleWithinLimit(title, this.settings.overlongCallTitle);
    // TDLib's EditGroupCallTitleQuery takes GROUPCALL_NOT_MODIFIED as success
    // (GroupCallManager.cpp l.984): the server refuses a rename that changes nothing.
    if (kept === call.title) throw new TelegramRpcError(400, "GROUPCALL_NOT_MODIFIED");
    if (kept === undefined) delete call.title;
    else call.title = kept;
    call.version += 1;
    this.emit("groupCall", call);
    return call;
  }

  /**
   * The secret part of every RTMP stream key and call invite link this world handed out since it
   * was made: what must never reach a log, an error or Redis after delivery (tests scan for them).
   */
  secretsHandedOut(): string[] {
    return [...this.handedOut];
  }

  /** A call's invite link: a listener link, or with `canSelfUnmute` a speaker link (see group-call-controls.ts). */
  exportGroupCallInvite(byUserId: number, callId: string, canSelfUnmute = false): string {
    return exportGroupCallInvite(this, byUserId, this.requireCall(callId), canSelfUnmute);
  }

  /** Remembers a secret handed out (a stream key, an invite hash) for secretsHandedOut(). */
  recordSecret(secret: string): void {
    this.handedOut.add(secret);
  }

  /**
   * The RTMP ingest for a chat's livestream. TDLib lets can_manage_video_chats admins read it
   * but only the owner may revoke (rotate) the key. The key stays the same until revoked.
   */
  getGroupCallStreamRtmpUrl(
    byUserId: number,
    chatNativeId: number,
    revoke: boolean,
  ): { url: string; key: string } {
    const chat = this.chats.get(chatNativeId);
    if (!chat) throw new TelegramRpcError(400, "PEER_ID_INVALID");
    const role = this.memberRole(chatNativeId, byUserId);
    assertMayManageCalls(chat, role);
    if (revoke && role?.status !== "owner") throw new TelegramRpcError(400, "CHAT_ADMIN_REQUIRED");
    let generation = this.rtmpKeyGeneration.get(chatNativeId) ?? 0;
    if (revoke) {
      generation += 1;
      this.rtmpKeyGeneration.set(chatNativeId, generation);
    }
    const secret = seededToken(this.seed, 22, "rtmp", chatNativeId, generation);
    this.handedOut.add(secret);
    return { url: RTMP_URL, key: `${chatNativeId}:${secret}` };
  }

  toggleGroupCallStartSubscription(byUserId: number, callId: string, subscribed: boolean): WorldGroupCall {
    const call = this.calls.get(callId);
    if (!call) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
    if (call.state === "discarded") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
    if (call.state === "active") throw new TelegramRpcError(403, "GROUPCALL_ALREADY_STARTED");
    if (!this.isMember(call.chatId, byUserId)) throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
    if (subscribed) call.startSubscribed.add(byUserId);
    else call.startSubscribed.delete(byUserId);
    call.version += 1;
    this.emit("groupCall", call);
    return call;
  }

  /**
   * phone.inviteToGroupCall: posts video_chat_participants_invited with the users invited, or
   * nothing when none were (see group-call-controls.ts for the rules).
   */
  inviteToGroupCall(
    byUserId: number,
    callId: string,
    userIds: number[],
    now = this.now(),
  ): WorldMessage | undefined {
    const call = this.requireCall(callId);
    const invited = inviteToGroupCall(this, byUserId, call, userIds);
    if (invited.length === 0) return undefined;
    return this.postCallServiceMessage(
      call,
      byUserId,
      { kind: "video_chat_participants_invited", userIds: invited },
      now,
    );
  }

  /** messages.forwardMessages from the account's Saved Messages into a chat (see forward-saved-messages.ts). */
  forwardSavedMessages(
    accountId: number,
    messageIds: number[],
    chatNativeId: number,
    now = this.now(),
  ): WorldMessage[] {
    return forwardSavedMessages(this, accountId, messageIds, chatNativeId, now);
  }

  toggleGroupCallRecord(
    byUserId: number,
    callId: string,
    params: ToggleRecordParams,
    now = this.now(),
  ): WorldGroupCall {
    return toggleGroupCallRecord(this, byUserId, this.requireCall(callId), params, now);
  }

  toggleGroupCallSettings(
    byUserId: number,
    callId: string,
    params: { joinMuted?: boolean; resetInviteHash: boolean },
  ): WorldGroupCall {
    return toggleGroupCallSettings(this, byUserId, this.requireCall(callId), params);
  }

  /** Simulated users join a live call (optionally by an invite link's hash). */
  joinGroupCall(callId: string, userIds: number[], now = this.now(), inviteHash?: string): WorldGroupCall {
    return joinGroupCall(this, this.requireCall(callId), userIds, now, inviteHash);
  }

  leaveGroupCall(callId: string, userIds: number[]): WorldGroupCall {
    return leaveGroupCall(this, this.requireCall(callId), userIds);
  }

  // ---- messages ----

  postMessage(params: PostMessageParams): WorldMessage {
    const list = this.messageListFor(params.chatId);
    const message: WorldMessage = {
      id: list.length + 1,
      chatId: params.chatId,
      ...(params.fromUserId !== undefined && { fromUserId: params.fromUserId }),
      ...(params.senderChatId !== undefined && { senderChatId: params.senderChatId }),
      date: params.date ?? Math.floor(this.now() / 1000),
      ...(params.text !== undefined && { text: params.text }),
      ...(params.entities !== undefined && params.entities.length > 0 && { entities: params.entities }),
      ...(params.replyMarkup !== undefined && { replyMarkup: params.replyMarkup }),
      ...(params.replyToMessageId !== undefined && { replyToMessageId: params.replyToMessageId }),
      ...(params.service !== undefined && { service: params.service }),
      ...(params.callId !== undefined && { callId: params.callId }),
      ...(params.document !== undefined && { document: params.document }),
      ...(params.forwardedFrom !== undefined && { forwardedFrom: params.forwardedFrom }),
      editHistory: [],
    };
    list.push(message);
    // Writing to the bot in private is what "starting" it means.
    if (params.chatId > 0 && params.fromUserId === params.chatId) this.startedBot.add(params.chatId);
    this.emit("message", message);
    return message;
  }

  /** Edits text and/or markup. Throws 400 MESSAGE_ID_INVALID or MESSAGE_NOT_MODIFIED. */
  editMessage(chatId: number, messageId: number, changes: EditMessageParams): WorldMessage {
    const message = this.getMessage(chatId, messageId);
    if (!message) throw new TelegramRpcError(400, "MESSAGE_ID_INVALID");
    const newText = changes.text ?? message.text;
    const newEntities = changes.text !== undefined ? changes.entities : message.entities;
    const newMarkup =
      changes.replyMarkup === undefined ? message.replyMarkup : (changes.replyMarkup ?? undefined);
    const unchanged =
      newText === message.text &&
      JSON.stringify(newEntities ?? []) === JSON.stringify(message.entities ?? []) &&
      JSON.stringify(newMarkup ?? null) === JSON.stringify(message.replyMarkup ?? null);
    if (unchanged) throw new TelegramRpcError(400, "MESSAGE_NOT_MODIFIED");
    if (changes.text !== undefined) {
      message.editHistory.push(message.text ?? "");
      message.text = changes.text;
      if (newEntities && newEntities.length > 0) message.entities = newEntities;
      else delete message.entities;
    }
    if (newMarkup === undefined) delete message.replyMarkup;
    else message.replyMarkup = newMarkup;
    this.emit("messageEdited", message);
    return message;
  }

  deleteMessage(chatId: number, messageId: number): WorldMessage {
    const message = this.getMessage(chatId, messageId);
    if (!message) throw new TelegramRpcError(400, "MESSAGE_ID_INVALID");
    message.deleted = true;
    this.emit("messageDeleted", message);
    return message;
  }

  /** A live (not deleted) message. */
  getMessage(chatId: number, messageId: number): WorldMessage | undefined {
    const message = this.messagesByChat.get(chatId)?.[messageId - 1];
    return message && !message.deleted ? message : undefined;
  }

  /** A chat's live messages, oldest first. `chatId` is a Bot API id (a user id for a private chat). */
  messages(chatId: number): WorldMessage[] {
    return (this.messagesByChat.get(chatId) ?? []).filter((m) => !m.deleted);
  }

  // ---- internals ----

  private messageListFor(chatId: number): WorldMessage[] {
    if (chatId > 0 ? !this.users.has(chatId) : !this.chatByBotApiId(chatId)) {
      throw new TelegramRpcError(400, "PEER_ID_INVALID");
    }
    let list = this.messagesByChat.get(chatId);
    if (!list) {
      list = [];
      this.messagesByChat.set(chatId, list);
    }
    return list;
  }

  private requireChat(chatNativeId: number): WorldChat {
    const chat = this.chats.get(chatNativeId);
    if (!chat) throw new TelegramRpcError(400, "PEER_ID_INVALID");
    return chat;
  }

  private requireLiveCall(callId: string): WorldGroupCall {
    const call = this.requireCall(callId);
    if (call.state === "discarded") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
    return call;
  }

  private requireCall(callId: string): WorldGroupCall {
    const call = this.calls.get(callId);
    if (!call) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
    return call;
  }

  private assertMayManage(chatNativeId: number, userId: number): void {
    assertMayManageCalls(this.requireChat(chatNativeId), this.memberRole(chatNativeId, userId));
  }

  /**
   * Service messages come from the acting user in groups, from the chat itself in channels and
   * for anonymous admins, as Telegram shows them.
   */
  private postCallServiceMessage(
    call: WorldGroupCall,
    byUserId: number,
    service: WorldServiceAction,
    now = this.now(),
  ): WorldMessage {
    const chat = this.requireChat(call.chatId);
    const asChat = chat.type === "channel" || this.isAnonymousAdmin(chat.id, byUserId);
    return this.postMessage({
      chatId: botApiChatId(chat),
      ...(asChat ? { senderChatId: botApiChatId(chat) } : { fromUserId: byUserId }),
      service,
      callId: call.id,
      date: Math.floor(now / 1000),
    });
  }
}

function roleFromFixture(member: FixtureMember): MemberRole {
  switch (member.role) {
    case "owner":
      return member.anonymous ? { status: "owner", anonymous: true } : { status: "owner" };
    case "admin":
      return {
        status: "admin",
        rights: { ...member.rights, ...(member.anonymous !== undefined && { anonymous: member.anonymous }) },
      };
    default:
      return { status: member.role };
  }
}

/** Reads and validates a fixture file (JSON). */
export function readWorldFixture(path: string): WorldFixture {
  return worldFixtureSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}
