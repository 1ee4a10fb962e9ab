import type { WorldFixture } from "@callbot/sandbox";

/** The assistant accounts of the scale-out world, in the order the runs add them. */
export const SCALE_ASSISTANTS = [
  { id: 2001, username: "scale_assistant_one" },
  { id: 2002, username: "scale_assistant_two" },
  { id: 2003, username: "scale_assistant_three" },
] as const;

/** Requester of every request: an operator, so no job re-checks its rights however long it waits. */
export const SCALE_OPERATOR_ID = 1000;
const OWNER_ID = 100_001;
const FIRST_CHAT = 1_800_000_000;

export interface ScaleWorld {
  fixture: WorldFixture;
  /** Bot API ids of the chats, each with every assistant an admin with the video-chat right. */
  chatIds: number[];
}

/** `chats` private supergroups, each with all three assistants as admins who may create calls. */
export function buildScaleWorld(chats: number): ScaleWorld {
  const chatIds: number[] = [];
  const fixture: WorldFixture = {
    seed: "callbot-scale-out",
    bot: {
      id: 7100000002,
      username: "callbot_scale_bot",
      firstName: "Scale",
      token: "7100000002:SCALEbenchTokenNotSecretAAAAAAAAAAAAA",
    },
    users: [
      { id: SCALE_OPERATOR_ID, firstName: "Operator" },
      { id: OWNER_ID, firstName: "Owner" },
      ...SCALE_ASSISTANTS.map((a) => ({ id: a.id, firstName: a.username, username: a.username })),
    ],
    userbots: SCALE_ASSISTANTS.map((a) => a.id),
    chats: [],
  } as WorldFixture;
  for (let i = 0; i < chats; i++) {
    const id = FIRST_CHAT + i;
    chatIds.push(-(1_000_000_000_000 + id));
    fixture.chats.push({
      id,
      type: "supergroup",
      title: `Scale ${i}`,
      members: [
        { userId: OWNER_ID, role: "owner" },
        ...SCALE_ASSISTANTS.map((a) => ({
          userId: a.id,
          role: "admin" as const,
          rights: { manageCall: true },
        })),
      ],
    } as WorldFixture["chats"][number]);
  }
  return { fixture, chatIds };
}
