import { z } from "zod";

/**
 * The world's switches for behaviour Telegram does not document. Each one is an ASSUMPTION in
 * the fidelity ledger (packages/sandbox/README.md); its default is the most plausible reading of
 * what is documented, and tests of the product run under every value where the product's
 * correctness depends on the answer.
 *
 * Add a switch here (with its default) rather than hard-coding a guess in a rule.
 */
/** One method's flood budget per account (see MethodFloodMeter). */
export const methodFloodProfileSchema = z
  .object({
    /** Requests allowed per `perSeconds` before the wait starts; 0 floods the next request. */
    requests: z.number().int().nonnegative(),
    perSeconds: z.number().int().positive(),
    /** The X of FLOOD_WAIT_X once the budget is spent. */
    waitSeconds: z.number().int().positive(),
  })
  .strict();
export type MethodFloodProfile = z.infer<typeof methodFloodProfileSchema>;

export const worldSettingsSchema = z
  .object({
    /**
     * A group call title over 64 characters (createGroupCall, editGroupCallTitle). Documented is
     * only the limit (TDLib td_api.tl "1-64 characters"); TDLib cuts titles to 64 on the client
     * before sending (GroupCallManager.cpp, create_video_chat / set_group_call_title), so a
     * server answer for a longer one is never seen by official apps.
     * - "truncate" (default): the server keeps the first 64 characters, which is what a user of
     *   an official app ends up with;
     * - "reject": 400 TITLE_INVALID, which makes a client that skips its own check visible.
     */
    overlongCallTitle: z.enum(["truncate", "reject"]),
    /**
     * Who may list a channel's or supergroup's admins (channels.getParticipants with
     * channelParticipantsAdmins). core.telegram.org documents 403 CHAT_ADMIN_REQUIRED for the
     * method and channelFull.can_view_participants ("Can we view the participant list?"), but
     * not which filter needs what. Supergroup members see the admin list in the official apps;
     * for broadcast channels the fidelity review (reviews/telegram-fidelity.md, section 1.1)
     * reports that only admins may list them.
     * - "members-in-supergroups" (default): in a supergroup any member may list the admins; in a
     *   broadcast channel only admins may (others get 403 CHAT_ADMIN_REQUIRED);
     * - "any-member": any member may list the admins, channels included.
     */
    adminListAccess: z.enum(["members-in-supergroups", "any-member"]),
    /**
     * Logins (auth.sendCode / auth.signIn). core.telegram.org/method/auth.signIn names
     * PHONE_CODE_EXPIRED and api/errors names 420 FLOOD_WAIT_X, but Telegram publishes neither
     * a code's lifetime nor how many codes a number may ask for:
     * - loginCodeLifetimeSeconds (default 300): an older code is PHONE_CODE_EXPIRED;
     * - sendCodeLimit (default 5) codes per sendCodeWindowSeconds (default 3600) for one number;
     *   the next gets FLOOD_WAIT_X, X = seconds until the oldest leaves the window.
     */
    loginCodeLifetimeSeconds: z.number().int().positive(),
    sendCodeLimit: z.number().int().positive(),
    sendCodeWindowSeconds: z.number().int().positive(),
    /**
     * What a createGroupCall retried with a random_id this account already used in that chat gets.
     * core.telegram.org only says random_id is there "to prevent creation of duplicate group
     * calls"; TDLib, tdesktop and iOS send a fresh random_id on every attempt, so no official
     * client shows the server's answer:
     * - "same-call" (default): the call the first request made, with no second service message;
     * - "new-call": a new call, which replaces the first (one call per chat);
     * - "error": 500 RANDOM_ID_DUPLICATE (what messages.* methods answer).
     */
    randomIdRetry: z.enum(["same-call", "new-call", "error"]),
    /**
     * A scheduled call nobody starts. Telegram documents no expiry; a scheduled call "does not
     * start by itself" (someone calls phone.startScheduledGroupCall):
     * - "kept" (default): it stays scheduled;
     * - "discarded": the server discards it scheduledCallExpirySeconds (default 3600) after its
     *   date (updateGroupCall with groupCallDiscarded, video_chat_ended with duration 0).
     */
    scheduledCallExpiry: z.enum(["kept", "discarded"]),
    scheduledCallExpirySeconds: z.number().int().nonnegative(),
    /**
     * How long a callback query may be answered. core.telegram.org/bots/api#answercallbackquery
     * only says the client shows a progress bar until the bot answers; a late answer gets 400
     * "query is too old and response timeout expired or query ID is invalid" (e.g.
     * pyTelegramBotAPI#1615: about 20 s was too late; "around 5-10 seconds"). Default 15.
     */
    callbackQueryTimeoutSeconds: z.number().positive(),
    /**
     * getChatMember for another user while the bot is not an admin of the supergroup or channel.
     * core.telegram.org/bots/api#getchatmember: "only guaranteed to work for other users if the
     * bot is an administrator in the chat":
     * - "answers" (default): it works anyway, as it often does;
     * - "refused": 400 "Bad Request: CHAT_ADMIN_REQUIRED" (teloxide#1349, supergroups with
     *   hidden members).
     */
    nonAdminBotMemberLookup: z.enum(["answers", "refused"]),
    /**
     * Flood budgets per MTProto method, by the method's TL name ("contacts.resolveUsername").
     * Telegram limits each method separately and publishes no numbers (ASSUMPTION; see
     * MethodFloodMeter for the model and the reports of real waits). Default: none, so no method
     * floods unless a test or the demo asks for it.
     */
    methodFloods: z.record(z.string(), methodFloodProfileSchema),
    /**
     * phone.startScheduledGroupCall on a call that is already live.
     * core.telegram.org/method/phone.startScheduledGroupCall documents 403
     * GROUPCALL_ALREADY_STARTED; TDLib's StartScheduledGroupCallQuery (GroupCallManager.cpp) also
     * takes 400 GROUPCALL_NOT_MODIFIED as success, so the server may answer either:
     * - "already-started" (default, the documented answer);
     * - "not-modified".
     */
    startOfLiveCall: z.enum(["already-started", "not-modified"]),
    /**
     * A basic group's scheduled or live call when the group is upgraded to a supergroup. No
     * source says (core.telegram.org/api/channel "Migration" covers the history, not calls):
     * - "moves" (default): the call belongs to the supergroup from then on;
     * - "ends": the call is discarded first (updateGroupCall with groupCallDiscarded,
     *   video_chat_ended in the old group).
     */
    callOnGroupUpgrade: z.enum(["moves", "ends"]),
    /**
     * phone.getGroupCall for a call that has ended. core.telegram.org/method/phone.getGroupCall
     * documents 400 GROUPCALL_INVALID and 403 GROUPCALL_FORBIDDEN but not which one, if any, an
     * ended call gets; the groupCallDiscarded constructor exists for updates and may be the
     * answer too (reviews/telegram-fidelity.md section 2 #13):
     * - "discarded" (default): the call as groupCallDiscarded;
     * - "invalid": 400 GROUPCALL_INVALID (the call is forgotten);
     * - "forbidden": 403 GROUPCALL_FORBIDDEN (what the server also answers to an account that
     *   may not see the call).
     */
    endedCallLookup: z.enum(["discarded", "invalid", "forbidden"]),
    /**
     * Whose a group call's access_hash is. core.telegram.org documents inputGroupCall (id,
     * access_hash) without saying; a chat's and a user's access hash are per account (Telethon
     * glossary). The call's own is the most plausible reading: messageActionGroupCall and
     * messageActionGroupCallScheduled carry `call:InputGroupCall` inside a chat's service message,
     * which a channel holds once for every member (ct:constructor/messageActionGroupCall).
     * - "per-call" (default): one access hash per call, the same for every account;
     * - "per-account": each account sees its own (in groupCall, updateGroupCall, the full chat's
     *   `call` and service messages) and another account's gets 400 GROUPCALL_INVALID.
     */
    callAccessHashes: z.enum(["per-call", "per-account"]),
    /**
     * How many users one phone.inviteToGroupCall may name. Telegram documents no server limit;
     * TDLib's td_api.tl (inviteVideoChatParticipants) says "At most 10 users can be invited
     * simultaneously" and tdesktop sends slices of 10 (calls_group_call.cpp, kMaxInvitePerSlice).
     * A longer list gets 400 USERS_TOO_MUCH (the name messages.* use for too many users; the
     * answer itself is an ASSUMPTION). Default 10.
     */
    callInviteBatchLimit: z.number().int().positive(),
    /**
     * phone.inviteToGroupCall naming a user who is not a member of the call's chat. Official
     * apps add such users to the chat first (tdesktop calls_group_invite_controller.cpp,
     * inviteWithAdd), so the server's answer is never seen:
     * - "refused" (default): 403 USER_NOT_PARTICIPANT (the documented error of the method);
     * - "skipped": the non-members are left out; the others are invited (none left: the answer
     *   carries the call alone, no service message).
     */
    callInviteOfNonMember: z.enum(["refused", "skipped"]),
    /**
     * Whether accounts in the chat that are not in the call hear participant changes. Telegram
     * sends updateGroupCallParticipants to those in the call (ct:api/group-calls); whether chat
     * members get an updateGroupCall with the new participants_count is not documented:
     * - "pushed" (default): every join or leave pushes updateGroupCall (participants_count,
     *   version) to the chat's members;
     * - "not-pushed": nothing is pushed; phone.getGroupCall tells the count.
     */
    participantCountUpdates: z.enum(["pushed", "not-pushed"]),
    /**
     * Seconds between stopping a recording and its file appearing in the recording account's
     * Saved Messages (core.telegram.org/method/phone.toggleGroupCallRecord: "automatically sent
     * to Saved Messages"; how soon is not documented, the server has to encode it). Default 0:
     * right after the answer, never inside it.
     */
    recordingDeliverySeconds: z.number().nonnegative(),
    /**
     * Whose Saved Messages get a recording that one account started and another stopped (or
     * ended with its call). core.telegram.org/method/phone.toggleGroupCallRecord says only "sent
     * to Saved Messages (the chat with ourselves)", and groupCall names no one who started it.
     * The official apps tell the one who stops it, and only them, that the file was saved
     * (tdesktop calls_group_panel.cpp: recordingStoppedByMe() ? lng_group_call_recording_saved :
     * lng_group_call_recording_stopped; Android GroupCallActivity shows VoipGroupAudioRecordSaved
     * after its own stop), which they could not know were it the starter's:
     * - "stopper" (default): the account that stopped the recording, or ended its call;
     * - "starter": the account that started it.
     */
    recordingSavedTo: z.enum(["stopper", "starter"]),
    /**
     * The world's clock, ahead of (or behind) the machine's by this many ms: not a Telegram rule
     * but a test control. Everything the world dates or checks against "now" reads it (the
     * schedule_date window of createGroupCall, call start and end stamps, service messages'
     * dates, scheduled-call expiry), so a test can move a whole deployment weeks ahead at once
     * (the bot and the worker take the same offset clock) instead of waiting. Default 0.
     */
    clockOffsetMs: z.number().int(),
  })
  .strict();

export type WorldSettings = z.infer<typeof worldSettingsSchema>;

export const DEFAULT_WORLD_SETTINGS: Readonly<WorldSettings> = Object.freeze({
  overlongCallTitle: "truncate",
  adminListAccess: "members-in-supergroups",
  loginCodeLifetimeSeconds: 300,
  sendCodeLimit: 5,
  sendCodeWindowSeconds: 3600,
  randomIdRetry: "same-call",
  scheduledCallExpiry: "kept",
  scheduledCallExpirySeconds: 3600,
  callbackQueryTimeoutSeconds: 15,
  nonAdminBotMemberLookup: "answers",
  methodFloods: {},
  startOfLiveCall: "already-started",
  callOnGroupUpgrade: "moves",
  endedCallLookup: "discarded",
  callAccessHashes: "per-call",
  callInviteBatchLimit: 10,
  callInviteOfNonMember: "refused",
  participantCountUpdates: "pushed",
  recordingDeliverySeconds: 0,
  recordingSavedTo: "stopper",
  clockOffsetMs: 0,
});

/** Every value of the switches the product's tests run under. */
export const RANDOM_ID_RETRY_VALUES = worldSettingsSchema.shape.randomIdRetry.options;
export const SCHEDULED_CALL_EXPIRY_VALUES = worldSettingsSchema.shape.scheduledCallExpiry.options;
export const START_OF_LIVE_CALL_VALUES = worldSettingsSchema.shape.startOfLiveCall.options;
export const CALL_ON_GROUP_UPGRADE_VALUES = worldSettingsSchema.shape.callOnGroupUpgrade.options;
export const ENDED_CALL_LOOKUP_VALUES = worldSettingsSchema.shape.endedCallLookup.options;
export const CALL_ACCESS_HASHES_VALUES = worldSettingsSchema.shape.callAccessHashes.options;
export const RECORDING_SAVED_TO_VALUES = worldSettingsSchema.shape.recordingSavedTo.options;
export const CALL_INVITE_OF_NON_MEMBER_VALUES = worldSettingsSchema.shape.callInviteOfNonMember.options;
export const PARTICIPANT_COUNT_UPDATES_VALUES = worldSettingsSchema.shape.participantCountUpdates.options;

/** Partial settings, as fixtures, `startSandbox({ settings })` and the control API give them. */
export const worldSettingsPatchSchema = worldSettingsSchema.partial();
export type WorldSettingsPatch = z.infer<typeof worldSettingsPatchSchema>;

/** `base` with the patch's given values; absent ones keep the base's. */
export function applySettingsPatch(
  base: Readonly<WorldSettings>,
  patch: WorldSettingsPatch | undefined,
): WorldSettings {
  const given = Object.entries(patch ?? {}).filter(([, value]) => value !== undefined);
  return { ...base, ...Object.fromEntries(given) };
}
