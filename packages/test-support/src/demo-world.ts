/**
 * The demo world's ids (packages/sandbox/src/worlds/demo.json, described in
 * packages/sandbox/README.md), named once for every package's tests. Users, then chats by their
 * Bot API id: what the bot, the queues and the sandbox's helpers speak.
 */
export const DEMO = {
  olga: 1001, // owner of every demo chat
  adam: 1002, // admin with the video-chat right in Demo Community
  nina: 1003, // admin without the right in Demo Community
  max: 1004, // plain member of Demo Community
  sam: 1005, // in no demo chat: a stranger
  assistant: 2001, // the userbot account the worker logs in as
  bot: 7000000001, // @callbot_sandbox_bot
  community: -1001500000001,
  channel: -1001500000002,
  privateTeam: -1001500000003,
  lockedRoom: -1001500000004,
  noRightsClub: -1001500000005,
  /** Owned by the assistant: Telegram lets only a chat's owner create an RTMP livestream. */
  studio: -1001500000006,
  /** A basic group (not a supergroup): Bot API ids of those are the plain negative id. */
  oldGroup: -400000001,
  /** The multi-assistant world (multiAssistantWorld in @callbot/sandbox) adds two assistants and a chat. */
  assistantTwo: 2002,
  assistantThree: 2003,
  /** Only assistantTwo is an admin there. */
  soloRoom: -1001500000007,
} as const;

/**
 * The demo chats as the bot describes a target chat to the worker (TargetChat in
 * packages/shared): Bot API id, title, public username.
 */
export const DEMO_CHATS = {
  community: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
  channel: { chatId: DEMO.channel, title: "Demo Channel", username: "demo_channel" },
  privateTeam: { chatId: DEMO.privateTeam, title: "Private Team" },
  lockedRoom: { chatId: DEMO.lockedRoom, title: "Locked Room" },
  noRightsClub: { chatId: DEMO.noRightsClub, title: "No Rights Club", username: "no_rights_club" },
  studio: { chatId: DEMO.studio, title: "Olga's Studio", username: "olga_studio" },
  oldGroup: { chatId: DEMO.oldGroup, title: "Old Group" },
  soloRoom: { chatId: DEMO.soloRoom, title: "Solo Room", username: "solo_room" },
} as const;
