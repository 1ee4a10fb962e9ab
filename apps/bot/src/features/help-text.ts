import { MAX_CALL_TITLE_LENGTH } from "@callbot/shared";

export interface HelpFacts {
  botUsername: string;
  /** The assistant accounts' names ("@callbot_assistant"); empty while no worker has published one. */
  assistants: readonly string[];
  timeZone: string;
}

/** The command menu (setMyCommands): what a user sees when typing "/". */
export const BOT_COMMANDS = [
  { command: "newcall", description: "Create or schedule a video chat or livestream" },
  { command: "setup", description: "Check a chat's set-up and fix it in one tap" },
  { command: "status", description: "Operators: the assistant, the queue, flood waits, errors" },
  { command: "calls", description: "List your calls: start, end, cancel, invite link, stream key" },
  { command: "timezone", description: "Show or set your time zone, e.g. /timezone Europe/Berlin" },
  { command: "rename", description: "Rename a chat's current call" },
  { command: "rotatekey", description: "Replace a livestream's stream key (owner, private chat)" },
  { command: "autostart", description: "In a group: start scheduled calls by themselves (on/off)" },
  { command: "record", description: "Record the live call: audio, video or portrait" },
  { command: "stoprecord", description: "Stop recording; the file is forwarded per /recordings" },
  { command: "recordings", description: "Where a chat's recordings are forwarded (to @chat, here, off)" },
  { command: "mutenew", description: "Mute people who join the live call (/mutenew off: let them speak)" },
  { command: "speakerlink", description: "Get the live call's speaker link, privately (admins)" },
  { command: "resetlinks", description: "Make the live call's invite and speaker links stop working" },
  { command: "invite", description: "Invite @username … (or reply to someone) to the live call" },
  { command: "stoprecurring", description: "Stop a recurring call" },
  { command: "moveplan", description: "Move a planned call: /moveplan p3 next friday 19:00" },
  { command: "renameplan", description: "Rename a planned call: /renameplan p3 New title" },
  { command: "cancelplan", description: "Cancel a planned call: /cancelplan p3" },
  { command: "calendar", description: "In a group: planned calls' lead, end notice, default length" },
  { command: "announce", description: "Announce and pin scheduled calls, with reminders (on/off)" },
  { command: "endwhenempty", description: "End a live call once empty for N minutes (or off)" },
  { command: "cancel", description: "Leave the guided /newcall" },
  { command: "help", description: "How to set up and use the bot" },
  { command: "start", description: "What this bot does" },
] as const;

/** /help: what the bot does, what to set up, and the /newcall grammar with examples. Plain text. */
export function renderHelp(facts: HelpFacts): string {
  return [
    "I create and schedule Telegram video chats and livestreams in your groups and channels.",
    "",
    "Set-up, once per chat:",
    `1. Add me (@${facts.botUsername}) to the group or channel as an admin with "Invite users", "Add new admins" and "Manage video chats".`,
    setupStep(facts.assistants),
    '3. You must be the chat\'s owner, or an admin with "Manage video chats". Livestreams need the owner.',
    "",
    "In a group:",
    "/newcall [title] [time] [rtmp]",
    "In a private chat with me, name the chat first:",
    "/newcall <@username | t.me/username | -100… id> [title] [time] [rtmp]",
    "",
    `Time (optional; without it the call starts now), read in ${facts.timeZone}:`,
    "  at 18:00 · tomorrow 18:30 · in 2h · in 1h30m · friday 19:00 · next friday 19:00 · on 15 jan 18:00 · in 3 weeks · 2026-12-01T18:00",
    "  Up to a year ahead: beyond Telegram's 8 days I plan it and create it in time.",
    "End (optional): for 30m · until 19:30: I end the call then, with a notice before.",
    "rtmp (or livestream): a livestream fed from OBS or a similar app; I send you the server URL and stream key privately.",
    `Title: up to ${MAX_CALL_TITLE_LENGTH} characters. The time and rtmp go at the end; put the title in quotes if it contains such words.`,
    "",
    "Examples:",
    "/newcall",
    "/newcall Weekly sync",
    "/newcall Weekly sync tomorrow 18:30",
    '/newcall "Q&A at noon" tomorrow 12:00',
    "/newcall @mychannel Launch party in 2h rtmp",
    "/newcall Retro tomorrow 18:00 autostart",
    "/newcall Weekly sync every monday 18:00",
    "/newcall Standup in 1h for 30m",
    "/newcall Town hall on 15 jan 18:00 autostart",
    "",
    "A call overlapping another of the chat (one call at a time) is named, with Plan after it or Cancel.",
    "autostart: I start the scheduled call at its time (Telegram does not start it by itself). /autostart on|off in a group makes it that chat's default.",
    "every <day(s)> <time>: a recurring call (every monday 18:00 · every mon,thu 09:30 · every day 18:00 · every weekday 9:00); each one is scheduled in Telegram a day ahead, in your time zone. /stoprecurring lists and stops them.",
    "/newcall alone in a private chat with me walks you through it step by step (/cancel leaves).",
    "",

    "Managing calls:",
    "/calls: in a group, its calls and pending requests; in a private chat with me, those of every chat you manage. Buttons: Start now, End, Cancel, Invite link, and (private chat only) RTMP key; on a live call also the controls below.",
    "/rename New title: renames the group's current call (in a private chat: /rename @yourgroup New title).",
    "Planned calls (p3) are in /calls, whose Rename and Move buttons ask for the new title or time; or /moveplan p3 next friday 19:00 · /renameplan p3 Title · /cancelplan p3.",
    "/calendar lead 3d · notice 10m · length 90m: a group's planning settings (/calendar shows them).",
    "/rotatekey @yourchannel: replaces a livestream's stream key (the chat's owner, in a private chat only).",
    "",
    "During a live call (also buttons under it in /calls; in a private chat with me, name the chat first, like /record @yourgroup video):",
    "/record audio · /record video · /record portrait: records the call (/record alone asks); /stoprecord stops it.",
    "  Files land in the assistant's Saved Messages; /recordings to @yourarchive (or here, or off): I forward each there and say so.",
    "/mutenew: people who join are muted; /mutenew off lets them speak.",
    '/speakerlink: a link that lets its holder speak, sent privately, to the owner and "Manage video chats" admins only.',
    "/resetlinks: every invite and speaker link handed out so far stops working.",
    "/invite @max @anna (or reply with /invite, or tap 👥 Invite in /calls): invites chat members to the call; I say how each went.",
    "/setup: a chat's set-up checklist with one-tap fixes (in a group; here: /setup @yourchannel).",
    "/status (operators only): the assistant's session, the queue, a flood wait, the last errors.",
    `/timezone Europe/Berlin: the zone I read and show your times in (now ${facts.timeZone}); /timezone alone shows it.`,
    "",
    "Announcements (in a group, or name the chat first):",
    "/announce on|off: I pin an announcement of each scheduled call, with a 🔔 button for private reminders (/announce remind 15: 15 min before; default 10).",
    "/endwhenempty 5|off: I end live calls empty for 5 minutes.",
  ].join("\n");
}

/** Set-up's step 2, naming the assistant account, or each of several (one admin among them is enough). */
function setupStep(assistants: readonly string[]): string {
  const intro = "2. Send /setup in the group (for a channel: /setup @yourchannel here).";
  if (assistants.length < 2) {
    const name = assistants[0] ?? "the assistant account";
    return `${intro} I check that ${name} is in the chat, not banned, and an admin with "Manage video chats", and fix what I can with one tap: add it, unban it, give it the right. That account starts the calls: Telegram does not let bots do it.`;
  }
  return `${intro} My assistant accounts are ${assistants.join(", ")}: one of them must be in the chat as an admin with "Manage video chats" (more of them, and calls go on when one is down). I show which are, and fix what I can with one tap. They start the calls: Telegram does not let bots do it.`;
}

/** /start: a short welcome, then the same help. */
export function renderStart(facts: HelpFacts): string {
  return ["Hello! I am callbot.", "", renderHelp(facts)].join("\n");
}
