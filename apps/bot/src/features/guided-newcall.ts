import {
  type ConversationData,
  type ConversationFlavor,
  conversations,
  createConversation,
  type VersionedState,
} from "@grammyjs/conversations";
import { Composer, type Context, type MiddlewareFn } from "grammy";
import type { GuidedConversation } from "../newcall/guided/ask-question.ts";
import { type GuidedNewCallDeps, guidedNewCall } from "../newcall/guided/guided-flow.ts";
import type { ChatLock } from "../serialise/chat-lock.ts";
import { fencedConversationStorage } from "../serialise/fenced-conversation-storage.ts";

type OuterContext = ConversationFlavor<Context>;

export const GUIDED_NEWCALL_ID = "guided-newcall";

export type { GuidedNewCallDeps };

/** Where the conversations plugin keeps a private chat's flow (the watchdog clears it on time-out). */
export function guidedConversationKey(prefix: string, chatId: number): string {
  return `${prefix}:bot:conversation:${chatId}`;
}

/**
 * `/newcall` without arguments in the private chat: a guided flow (grammY conversations v2, state
 * in Redis) that asks for the chat, the title, the time and the kind of call, shows a summary,
 * and queues nothing before Confirm. /cancel or the Cancel button ends it at every step; the
 * watchdog ends it after `timeoutMs` without an answer.
 *
 * `enter` starts the flow (the /newcall handler calls it after the rate limiter).
 */
export function createGuidedNewCallFeature(
  deps: GuidedNewCallDeps,
  /** The lock every update of a chat is handled under (mounted by createBot); the state's writes are fenced by it. */
  chatLock: ChatLock,
): {
  composer: Composer<Context>;
  enter(ctx: Context): Promise<void>;
} {
  const composer = new Composer<Context>();
  const conversationKeyPrefix = `${deps.prefix}:bot:conversation:`;
  const privateChats = composer.filter((ctx) => ctx.chat?.type === "private");
  // A conversation replays its state per chat: two updates of one chat must never run at once.
  // createBot mounts the chat lock (one update of a chat at a time across replicas) before this.
  privateChats.use(
    asPlainMiddleware(
      conversations<OuterContext, Context>({
        storage: {
          type: "key",
          // Bump when the flow's steps change, so a flow stored by an older version is dropped.
          version: 2,
          prefix: conversationKeyPrefix,
          adapter: fencedConversationStorage<VersionedState<ConversationData>>({
            redis: deps.redis,
            // The state outlives the watchdog only by a margin; nothing stays if the process dies.
            ttlSeconds: Math.ceil(deps.timeoutMs / 1000) + 120,
            // The conversations plugin's key is the prefix and the chat id (its default storage key).
            fenceOf: (key) => chatLock.currentFence(key.slice(conversationKeyPrefix.length)),
          }),
        },
      }),
    ),
  );
  privateChats.use(
    asPlainMiddleware(
      createConversation<OuterContext, Context>(
        (conversation, ctx) => guidedNewCall(conversation as GuidedConversation, ctx, deps),
        // Back-up for a lost watchdog timer (process restart): an answer after the time-out ends the flow.
        { id: GUIDED_NEWCALL_ID, maxMillisecondsToWait: deps.timeoutMs },
      ),
    ),
  );
  // An open flow takes /cancel itself; this answers it when there is none.
  privateChats.command("cancel", async (ctx) => {
    await ctx.reply("There is nothing to cancel. Send /newcall to create a call step by step.");
  });
  // A button of a flow that ended (cancelled, timed out, finished) must still get an answer.
  composer.callbackQuery(/^guided:/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: "This guided /newcall has ended. Send /newcall to start again." });
  });

  return {
    composer,
    async enter(ctx) {
      const controls = (ctx as OuterContext).conversation;
      // A second /newcall restarts the flow rather than failing on the one still open.
      if (controls.active(GUIDED_NEWCALL_ID) > 0) {
        await controls.exit(GUIDED_NEWCALL_ID);
        if (ctx.chat) await deps.watchdog.disarm(ctx.chat.id);
      }
      await controls.enter(GUIDED_NEWCALL_ID);
    },
  };
}

/** The plugin types its middleware for the flavoured context; at run time it is ordinary middleware. */
function asPlainMiddleware(middleware: MiddlewareFn<OuterContext>): MiddlewareFn<Context> {
  return middleware as unknown as MiddlewareFn<Context>;
}
