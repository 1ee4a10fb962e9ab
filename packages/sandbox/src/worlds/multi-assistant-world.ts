import type { WorldFixture } from "../world/fixture-schema.ts";
import { readWorldFixture } from "../world/world.ts";
import { demoWorldPath } from "./demo-world.ts";

/** The extra assistant accounts of the multi-assistant world, beside the demo's @callbot_assistant (2001). */
export const EXTRA_ASSISTANTS = [
  { id: 2002, username: "callbot_assistant_two", firstName: "Assistant Two" },
  { id: 2003, username: "callbot_assistant_three", firstName: "Assistant Three" },
] as const;

/** A supergroup where only the second assistant (2002) is an admin; the first is not a member. */
export const SOLO_ROOM = {
  id: 1500000007,
  botApiId: -1001500000007,
  title: "Solo Room",
  username: "solo_room",
};

const MANAGE_CALLS = {
  changeInfo: false,
  deleteMessages: false,
  banUsers: false,
  inviteUsers: true,
  pinMessages: false,
  manageCall: true,
  other: false,
};

/** Chats of the demo world where every assistant is an admin with "Manage video chats". */
const SHARED_CHATS = [1500000001, 1500000002, 1500000003];

/**
 * The demo world with three assistant accounts (one session each, issued like the demo's):
 * all three are admins with "Manage video chats" in Demo Community, Demo Channel and Private
 * Team. The rest is the demo's: No Rights Club has only 2001, an admin without the right, so no
 * assistant may create calls there; Olga's Studio is owned by 2001 (its livestream key stays with
 * that account); Locked Room has none. Solo Room, added, has only 2002. Several workers, one per
 * account, run against it in the tests of several assistant accounts.
 */
export function multiAssistantWorld(): WorldFixture {
  const demo = readWorldFixture(demoWorldPath);
  const chats = demo.chats.map((chat) =>
    SHARED_CHATS.includes(chat.id)
      ? {
          ...chat,
          members: [
            ...chat.members,
            ...EXTRA_ASSISTANTS.map((a) => ({ userId: a.id, role: "admin" as const, rights: MANAGE_CALLS })),
          ],
        }
      : chat,
  );
  return {
    ...demo,
    users: [
      ...demo.users,
      ...EXTRA_ASSISTANTS.map(({ id, username, firstName }) => ({ id, username, firstName })),
    ],
    userbots: [...demo.userbots, ...EXTRA_ASSISTANTS.map((a) => a.id)],
    chats: [
      ...chats,
      {
        id: SOLO_ROOM.id,
        type: "supergroup",
        title: SOLO_ROOM.title,
        username: SOLO_ROOM.username,
        members: [
          { userId: 1001, role: "owner" },
          { userId: 2002, role: "admin", rights: MANAGE_CALLS },
          {
            userId: demo.bot.id,
            role: "admin",
            rights: { ...MANAGE_CALLS, changeInfo: true, addAdmins: true, other: true },
          },
        ],
      },
    ],
  };
}
