/**
 * The simulated Telegram world's public shapes. The Bot API server (HTTP), the MTProto
 * server (TCP) and the control API all read and change ONE World through these.
 *
 * Ids: users and chats keep Telegram's native ids. A supergroup or channel with native id N
 * is -100N in the Bot API (-(1e12 + N)); a basic group with native id N is -N.
 */

export type ChatType = "group" | "supergroup" | "channel";

/** MTProto chatAdminRights, as booleans. `manageCall` is the Bot API's `can_manage_video_chats`. */
export interface AdminRights {
  changeInfo?: boolean;
  postMessages?: boolean;
  editMessages?: boolean;
  deleteMessages?: boolean;
  banUsers?: boolean;
  inviteUsers?: boolean;
  pinMessages?: boolean;
  addAdmins?: boolean;
  anonymous?: boolean;
  manageCall?: boolean;
  other?: boolean;
}

export type MemberRole =
  | { status: "owner"; anonymous?: boolean }
  | { status: "admin"; rights: AdminRights }
  | { status: "member" }
  /** A member whose permissions are narrowed (Bot API ChatMemberRestricted, is_member true). */
  | { status: "restricted" }
  | { status: "left" }
  | { status: "banned" };

export interface WorldUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  isBot?: boolean;
}

export interface WorldChat {
  /** Native id (positive). */
  id: number;
  type: ChatType;
  title: string;
  username?: string;
  members: Map<number, MemberRole>;
  /** For a channel: its discussion group's native id. */
  linkedChatId?: number;
  /** A basic group upgraded to a supergroup: the supergroup's native id (the group is deactivated). */
  migratedTo?: number;
  /** A supergroup made from a basic group: the group's native id. */
  migratedFrom?: number;
}

export type GroupCallState = "scheduled" | "active" | "discarded";

export interface WorldGroupCall {
  /** Decimal strings of longs. */
  id: string;
  accessHash: string;
  chatId: number;
  title?: string;
  /** Unix seconds, while scheduled. */
  scheduleDate?: number;
  rtmp: boolean;
  state: GroupCallState;
  createdBy: number;
  /** The random_id and account it was created with, for deduplication. */
  randomId: number;
  startedAt?: number;
  /** Seconds, once discarded. */
  duration?: number;
  version: number;
  startSubscribed: Set<number>;
  /** groupCall.join_muted: new participants join muted (phone.toggleGroupCallSettings). */
  joinMuted: boolean;
  /** Bumped by reset_invite_hash: invite hashes derive from it, so older links stop working. */
  inviteGeneration: number;
  /** While a recording runs (phone.toggleGroupCallRecord): who started it and how. */
  recording?: GroupCallRecording;
  /** Who is in the call now (simulated through the control API; the sandbox carries no media). */
  participants: Map<number, GroupCallParticipant>;
  /** Users invited with phone.inviteToGroupCall (a second invite is USER_ALREADY_INVITED). */
  invited: Set<number>;
}

export interface GroupCallRecording {
  /** The account that started it: the file lands in its Saved Messages under recordingSavedTo "starter". */
  byUserId: number;
  /** Unix seconds (groupCall.record_start_date). */
  startDate: number;
  title?: string;
  video: boolean;
  portrait: boolean;
}

export interface GroupCallParticipant {
  /** Unix seconds. */
  joinedAt: number;
  /** Joined muted (join_muted) and may not unmute themselves. */
  muted: boolean;
}

/** A file attached to a message: what a stopped recording becomes in Saved Messages. */
export interface WorldDocument {
  /** Decimal strings of longs. */
  id: string;
  accessHash: string;
  kind: "audio" | "video";
  mimeType: string;
  fileName: string;
  size: number;
  durationSeconds: number;
  /** Video only. */
  width?: number;
  height?: number;
  /** Audio only: the recording's title (documentAttributeAudio.title). */
  title?: string;
}

export interface WorldMessage {
  /** Per-chat message id (Bot API message_id; MTProto id for that chat). */
  id: number;
  /** Bot API chat id where it lives; for the private chat with the bot, the user id. */
  chatId: number;
  fromUserId?: number;
  /** Set when an anonymous admin or a channel posts as the chat. */
  senderChatId?: number;
  date: number;
  text?: string;
  entities?: unknown[];
  replyMarkup?: unknown;
  replyToMessageId?: number;
  /** One of the video_chat_* service payloads, as the Bot API shows them. */
  service?:
    | { kind: "video_chat_scheduled"; startDate: number }
    | { kind: "video_chat_started" }
    | { kind: "video_chat_ended"; duration: number }
    | { kind: "video_chat_participants_invited"; userIds: number[] }
    /** In the old basic group: it became the supergroup with this Bot API id. */
    | { kind: "migrate_to_chat_id"; chatId: number }
    /** In the new supergroup: it was made from the basic group with this Bot API id. */
    | { kind: "migrate_from_chat_id"; chatId: number }
    /** In the private chat with the bot: the user picked this chat with a request_chat button. */
    | { kind: "chat_shared"; requestId: number; chatId: number; title?: string; username?: string };
  /** For video_chat_* service messages: the group call they are about. */
  callId?: string;
  /** A file (recordings in Saved Messages, and their forwards). */
  document?: WorldDocument;
  /** A forward: who first sent it, and when (Bot API forward_origin, MTProto fwd_from). */
  forwardedFrom?: { userId: number; date: number };
  /** Every earlier text of a bot message, oldest first, for tests that check edits. */
  editHistory: string[];
  deleted?: boolean;
}

/** An error Telegram would answer with. Both protocols render it in their own shape. */
export class TelegramRpcError extends Error {
  constructor(
    readonly code: number,
    /** MTProto error_message, e.g. "CHAT_ADMIN_REQUIRED" or "FLOOD_WAIT_30". */
    readonly errorMessage: string,
  ) {
    super(`${code} ${errorMessage}`);
    this.name = "TelegramRpcError";
  }
}

/** Events the world emits; protocol servers turn them into updates for their clients. */
export interface WorldEvents {
  /** A message appeared (user message, bot message or service message). */
  message: [WorldMessage];
  /** A bot message's text or markup was edited. */
  messageEdited: [WorldMessage];
  /** A group call was created or changed. */
  groupCall: [WorldGroupCall];
  /** A member's role changed (`previous` undefined: never in the chat); `byUserId` did it. */
  memberChanged: [
    { chatId: number; userId: number; role: MemberRole; previous: MemberRole | undefined; byUserId: number },
  ];
  /** A message appeared in an account's Saved Messages (its chat with itself). */
  savedMessage: [{ accountId: number; message: WorldMessage }];
  /** A message was deleted. */
  messageDeleted: [WorldMessage];
  /** The whole world was replaced (control API: load a world); servers drop what they cached. */
  loaded: [];
}
