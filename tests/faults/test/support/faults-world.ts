import { demoWorldPath, readWorldFixture, type WorldFixture } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";

/** Ids of the demo world (packages/test-support) and of the people faultsWorld() adds. */
export const WHO = {
  ...DEMO,
  oscar: 1006, // in no chat, but in OWNER_IDS: an operator
  ann: 1007, // admin with the right who posts anonymously (as the chat)
} as const;

const ROOM_BASE = 1500001000;
const CELL_BASE = 1500002000;

/** Bot API id of the n-th extra room (1-based): a private supergroup Olga owns, where the assistant may create calls. */
export function roomId(n: number): number {
  return -(1000000000000 + ROOM_BASE + n);
}

/** Bot API id and username of the n-th authorisation-matrix chat (1-based). */
export function cellChat(n: number): { chatId: number; username: string; title: string } {
  return {
    chatId: -(1000000000000 + CELL_BASE + n),
    username: `matrix_cell_${n}`,
    title: `Matrix cell ${n}`,
  };
}

const CALL_ADMIN = { manageCall: true, postMessages: true, deleteMessages: true, inviteUsers: true };
const PLAIN_ADMIN = { manageCall: false, postMessages: true, deleteMessages: true, inviteUsers: true };
const BOT_ADMIN = { ...CALL_ADMIN, editMessages: true, changeInfo: true };

/**
 * The demo world plus: Oscar (an operator in no chat), Ann (an anonymous admin), `rooms` private
 * supergroups for tests that need many chats, and `cells` public supergroups with one member of
 * every kind, so that each cell of the authorisation matrix has a chat of its own (no cooldown,
 * cache or rate limit carries over between cells).
 */
export function faultsWorld(options: { rooms?: number; cells?: number } = {}): WorldFixture {
  const world = readWorldFixture(demoWorldPath);
  world.users.push(
    { id: WHO.oscar, firstName: "Oscar", lastName: "Operator", username: "oscar_operator", startedBot: true },
    { id: WHO.ann, firstName: "Ann", lastName: "Anonymous", username: "ann_anonymous" },
  );
  const staff = [
    { userId: WHO.assistant, role: "admin" as const, rights: CALL_ADMIN },
    { userId: WHO.bot, role: "admin" as const, rights: BOT_ADMIN },
  ];
  for (let n = 1; n <= (options.rooms ?? 0); n++) {
    world.chats.push({
      id: ROOM_BASE + n,
      type: "supergroup",
      title: `Room ${n}`,
      members: [{ userId: WHO.olga, role: "owner" }, ...staff],
    });
  }
  for (let n = 1; n <= (options.cells ?? 0); n++) {
    const cell = cellChat(n);
    world.chats.push({
      id: CELL_BASE + n,
      type: "supergroup",
      title: cell.title,
      username: cell.username,
      members: [
        { userId: WHO.olga, role: "owner" },
        { userId: WHO.adam, role: "admin", rights: CALL_ADMIN },
        { userId: WHO.nina, role: "admin", rights: PLAIN_ADMIN },
        { userId: WHO.max, role: "member" },
        { userId: WHO.ann, role: "admin", rights: CALL_ADMIN, anonymous: true },
        ...staff,
      ],
    });
  }
  return world;
}
