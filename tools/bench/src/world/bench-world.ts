import type { WorldFixture } from "@callbot/sandbox";

/** A chat the bench sends /newcall into, and the owner who sends it. */
export interface BenchSeat {
  /** Bot API chat id (-100<native id>). */
  chatId: number;
  ownerId: number;
  public: boolean;
}

export interface BenchWorld {
  fixture: WorldFixture;
  /** Private supergroups: a plain /newcall costs createGroupCall only. */
  privateSeats: BenchSeat[];
  /** Public supergroups: the worker also exports an invite link. */
  publicSeats: BenchSeat[];
  /** In OWNER_IDS (the bot wants at least one operator) but never a requester: operators skip the rights check. */
  operatorId: number;
  /** Usernames of the userbot sessions the sandbox issues. */
  /** The account the worker logs in as, and its session's username. */
  assistantId: number;
  assistantUsername: string;
  baselineUsername: string;
}

export interface BenchWorldLayout {
  privateChats: number;
  publicChats: number;
  /** The bot lets a user send 5 /newcall a minute; each chat gets two (warm-up and measured). */
  chatsPerOwner: number;
}

const BOT = { id: 7100000001, username: "callbot_bench_bot", firstName: "Callbot Bench" };
const OPERATOR_ID = 1000;
const ASSISTANT = { id: 2001, username: "callbot_assistant" };
/** A second userbot, so the direct-gramjs baseline never shares a connection with the worker. */
const BASELINE = { id: 2002, username: "bench_baseline" };
const FIRST_OWNER_ID = 100_001;
const FIRST_PRIVATE_CHAT = 1_700_000_000;
const FIRST_PUBLIC_CHAT = 1_710_000_000;

/**
 * The bench's world: M owners, each the owner of `chatsPerOwner` supergroups in which the
 * assistant (2001) and the baseline account (2002) are admins with the video-chat right and the
 * bot is an admin. One chat holds one call at a time, and the bot refuses a second request for
 * a chat within its cooldown, so every counted request goes to a chat of its own.
 */
export function buildBenchWorld(layout: BenchWorldLayout): BenchWorld {
  const chatCount = layout.privateChats + layout.publicChats;
  const ownerCount = Math.max(1, Math.ceil(chatCount / layout.chatsPerOwner));
  const users: WorldFixture["users"] = [
    { id: OPERATOR_ID, firstName: "Operator", startedBot: true },
    { id: ASSISTANT.id, firstName: "Assistant", username: ASSISTANT.username },
    { id: BASELINE.id, firstName: "Baseline", username: BASELINE.username },
  ];
  for (let i = 0; i < ownerCount; i++) users.push({ id: FIRST_OWNER_ID + i, firstName: `Owner ${i}` });

  const privateSeats: BenchSeat[] = [];
  const publicSeats: BenchSeat[] = [];
  const chats: WorldFixture["chats"] = [];
  const addChat = (index: number, nativeId: number, isPublic: boolean) => {
    const ownerId = FIRST_OWNER_ID + Math.floor(index / layout.chatsPerOwner);
    chats.push({
      id: nativeId,
      type: "supergroup",
      title: `Bench ${isPublic ? "public" : "private"} ${index}`,
      ...(isPublic && { username: `bench_public_${nativeId - FIRST_PUBLIC_CHAT}` }),
      members: [
        { userId: ownerId, role: "owner" },
        { userId: ASSISTANT.id, role: "admin", rights: { manageCall: true } },
        { userId: BASELINE.id, role: "admin", rights: { manageCall: true } },
        {
          userId: BOT.id,
          role: "admin",
          rights: { postMessages: true, editMessages: true, manageCall: true },
        },
      ],
    });
    (isPublic ? publicSeats : privateSeats).push({
      chatId: -(1_000_000_000_000 + nativeId),
      ownerId,
      public: isPublic,
    });
  };
  for (let i = 0; i < layout.privateChats; i++) addChat(i, FIRST_PRIVATE_CHAT + i, false);
  for (let i = 0; i < layout.publicChats; i++) addChat(layout.privateChats + i, FIRST_PUBLIC_CHAT + i, true);

  return {
    fixture: {
      seed: "callbot-bench",
      bot: { ...BOT, token: `${BOT.id}:BENCHsandboxTokenNotSecretAAAAAAAAAA` },
      users,
      userbots: [ASSISTANT.id, BASELINE.id],
      chats,
    },
    privateSeats,
    publicSeats,
    operatorId: OPERATOR_ID,
    assistantId: ASSISTANT.id,
    assistantUsername: ASSISTANT.username,
    baselineUsername: BASELINE.username,
  };
}
