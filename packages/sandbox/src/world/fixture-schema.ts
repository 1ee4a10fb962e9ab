import { z } from "zod";
import { worldSettingsPatchSchema } from "./world-settings.ts";

/** MTProto chatAdminRights as booleans; `manageCall` is the Bot API's `can_manage_video_chats`. */
export const adminRightsSchema = z
  .object({
    changeInfo: z.boolean(),
    postMessages: z.boolean(),
    editMessages: z.boolean(),
    deleteMessages: z.boolean(),
    banUsers: z.boolean(),
    inviteUsers: z.boolean(),
    pinMessages: z.boolean(),
    addAdmins: z.boolean(),
    anonymous: z.boolean(),
    manageCall: z.boolean(),
    other: z.boolean(),
  })
  .partial()
  .strict();

const userIdSchema = z.number().int().positive();

export const fixtureMemberSchema = z
  .object({
    userId: userIdSchema,
    role: z.enum(["owner", "admin", "member", "restricted", "left", "banned"]),
    /** Only for admins. */
    rights: adminRightsSchema.optional(),
    /** Owner or admin who posts as the chat (Bot API: sender_chat, from = GroupAnonymousBot). */
    anonymous: z.boolean().optional(),
  })
  .strict();

export const fixtureChatSchema = z
  .object({
    /** Native (positive) id: -100<id> in the Bot API for supergroups and channels, -<id> for groups. */
    id: z.number().int().positive(),
    type: z.enum(["group", "supergroup", "channel"]),
    title: z.string().min(1).max(128),
    /** Public chats have a username; private ones have none. */
    username: z.string().min(4).max(32).optional(),
    linkedChatId: z.number().int().positive().optional(),
    members: z.array(fixtureMemberSchema),
  })
  .strict();

export const fixtureUserSchema = z
  .object({
    id: userIdSchema,
    firstName: z.string().min(1),
    lastName: z.string().optional(),
    username: z.string().min(4).max(32).optional(),
    /** The user has pressed Start in the bot's private chat (otherwise the bot cannot write first). */
    startedBot: z.boolean().optional(),
    /** The user has blocked the bot (Bot API sends get 403). */
    blockedBot: z.boolean().optional(),
  })
  .strict();

/** An account that can log in over MTProto (auth.sendCode, auth.signIn, two-step verification). */
export const fixtureLoginSchema = z
  .object({
    userId: userIdSchema,
    /** International format, digits only (what Telegram stores; "+" and spaces typed by people are dropped). */
    phone: z.string().regex(/^\d{5,15}$/),
    /** Two-step verification password; absent: the account has none. */
    password: z.string().min(1).optional(),
    passwordHint: z.string().optional(),
    /** The data centre the account lives on (the sandbox serves 2 and 4); a login elsewhere gets PHONE_MIGRATE_<dc>. Default 2. */
    dc: z.union([z.literal(2), z.literal(4)]).optional(),
  })
  .strict();

export const worldFixtureSchema = z
  .object({
    /** Seeds the access hashes, call ids and RTMP keys, so a world is the same on every run. */
    seed: z.string().optional(),
    bot: z
      .object({
        id: userIdSchema,
        username: z.string().min(5).max(32),
        firstName: z.string().min(1),
        /** `<bot id>:<secret>`, as Telegram issues them. */
        token: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/),
      })
      .strict(),
    users: z.array(fixtureUserSchema),
    /** Accounts the sandbox issues MTProto sessions for; each must also be in `users`. */
    userbots: z.array(userIdSchema),
    /** Accounts that can log in with a phone number and code (`pnpm session`). */
    logins: z.array(fixtureLoginSchema).optional(),
    chats: z.array(fixtureChatSchema),
    /** Answers to what Telegram does not document; defaults for those not given (WorldSettings). */
    settings: worldSettingsPatchSchema.optional(),
  })
  .strict()
  .superRefine((fixture, ctx) => {
    if (!fixture.bot.token.startsWith(`${fixture.bot.id}:`)) {
      ctx.addIssue({
        code: "custom",
        message: "bot.token must start with `<bot.id>:`",
        path: ["bot", "token"],
      });
    }
    const userIds = new Set(fixture.users.map((u) => u.id));
    fixture.userbots.forEach((id, i) => {
      if (!userIds.has(id)) {
        ctx.addIssue({ code: "custom", message: `userbot ${id} is not in users`, path: ["userbots", i] });
      }
    });
    const phones = new Set<string>();
    fixture.logins?.forEach((login, i) => {
      if (!userIds.has(login.userId)) {
        ctx.addIssue({
          code: "custom",
          message: `login ${login.userId} is not in users`,
          path: ["logins", i],
        });
      }
      if (phones.has(login.phone)) {
        ctx.addIssue({ code: "custom", message: `phone ${login.phone} appears twice`, path: ["logins", i] });
      }
      phones.add(login.phone);
    });
    const chatIds = new Set<number>();
    fixture.chats.forEach((chat, ci) => {
      if (chatIds.has(chat.id)) {
        ctx.addIssue({
          code: "custom",
          message: `chat id ${chat.id} appears twice`,
          path: ["chats", ci, "id"],
        });
      }
      chatIds.add(chat.id);
      chat.members.forEach((member, mi) => {
        if (member.userId !== fixture.bot.id && !userIds.has(member.userId)) {
          ctx.addIssue({
            code: "custom",
            message: `member ${member.userId} of chat ${chat.id} is neither a user nor the bot`,
            path: ["chats", ci, "members", mi],
          });
        }
      });
    });
  });

export type WorldFixture = z.infer<typeof worldFixtureSchema>;
export type FixtureMember = z.infer<typeof fixtureMemberSchema>;
export type FixtureLogin = z.infer<typeof fixtureLoginSchema>;
