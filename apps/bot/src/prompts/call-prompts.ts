import type { Api } from "grammy";
import type { User } from "grammy/types";
import type { Redis } from "ioredis";
import type { Clock } from "../clock.ts";

/** What a question asked from a /calls button waits for. */
export type PromptKind = "rename-plan" | "move-plan" | "invite";

/** A question the bot asked one person (force_reply), and what it is about. */
export interface CallPrompt {
  kind: PromptKind;
  /** The plan id (rename-plan, move-plan) or the calls registry entry id (invite). */
  subject: string;
  /** Who tapped: the only one whose answer counts. */
  userId: number;
  chatId: number;
  /** The question's message: answers reply to it. */
  messageId: number;
  /** Unix ms after which an answer is too late. */
  expiresAt: number;
  /** The question as asked (after the person's name): asked again after an unusable answer. */
  question: string;
}

/** A question is remembered this long past its time-out, to tell a late answer that it is late. */
const LATE_ANSWER_SECONDS = 24 * 3600;

/**
 * The questions a /calls button asks (✏️ Rename, ➡️ Move, 👥 Invite), one open question per person
 * and chat: a second tap replaces the first. Kept in Redis, so any bot replica takes the answer:
 * <prefix>:bot:prompt:<chat>:<message> (the question, a day) and <prefix>:bot:prompt-of:<chat>:<user>
 * (its message id, until the time-out).
 */
export class CallPrompts {
  constructor(private readonly deps: { redis: Redis; prefix: string; clock: Clock; timeoutMs: number }) {}

  private byMessage(chatId: number, messageId: number): string {
    return `${this.deps.prefix}:bot:prompt:${chatId}:${messageId}`;
  }

  private byUser(chatId: number, userId: number): string {
    return `${this.deps.prefix}:bot:prompt-of:${chatId}:${userId}`;
  }

  /**
   * Asks `user` the question: Telegram opens the reply field for them (force_reply; selective,
   * with the text naming them, so others in a group are not asked). `before` goes first (why an
   * earlier answer did not do).
   */
  async ask(
    api: Api,
    where: { chatId: number; replyTo?: number },
    user: User,
    about: Pick<CallPrompt, "kind" | "subject" | "question">,
    before?: string,
  ): Promise<void> {
    // From the moment it is asked: a reader who answers at once must never find it expired.
    const expiresAt = this.deps.clock.now() + this.deps.timeoutMs;
    const name = user.first_name || "you";
    const lead = before === undefined ? "" : `${before}\n\n`;
    const sent = await api.sendMessage(where.chatId, `${lead}${name}, ${about.question}`, {
      entities: [{ type: "text_mention", offset: lead.length, length: name.length, user }],
      reply_markup: { force_reply: true, selective: true, input_field_placeholder: placeholder(about.kind) },
      ...(where.replyTo !== undefined && {
        reply_parameters: { message_id: where.replyTo, allow_sending_without_reply: true },
      }),
    });
    const prompt: CallPrompt = {
      kind: about.kind,
      subject: about.subject,
      question: about.question,
      userId: user.id,
      chatId: where.chatId,
      messageId: sent.message_id,
      expiresAt,
    };
    const earlier = await this.deps.redis.get(this.byUser(where.chatId, user.id));
    const write = this.deps.redis.multi();
    if (earlier !== null) write.del(this.byMessage(where.chatId, Number(earlier)));
    await write
      .set(this.byMessage(where.chatId, sent.message_id), JSON.stringify(prompt), "EX", LATE_ANSWER_SECONDS)
      .set(this.byUser(where.chatId, user.id), String(sent.message_id), "PX", this.deps.timeoutMs)
      .exec();
  }

  /** The question a message replies to, open or timed out; undefined if it is none (or answered). */
  async repliedTo(chatId: number, messageId: number): Promise<CallPrompt | undefined> {
    const raw = await this.deps.redis.get(this.byMessage(chatId, messageId));
    return raw === null ? undefined : (JSON.parse(raw) as CallPrompt);
  }

  /** The person's open question in the chat, if any. */
  async openOf(chatId: number, userId: number): Promise<CallPrompt | undefined> {
    const messageId = await this.deps.redis.get(this.byUser(chatId, userId));
    if (messageId === null) return undefined;
    const prompt = await this.repliedTo(chatId, Number(messageId));
    return prompt && !this.expired(prompt) ? prompt : undefined;
  }

  expired(prompt: CallPrompt): boolean {
    return this.deps.clock.now() > prompt.expiresAt;
  }

  /** The question is answered or cancelled: later replies to it are not taken. */
  async close(prompt: CallPrompt): Promise<void> {
    await this.deps.redis.del(
      this.byMessage(prompt.chatId, prompt.messageId),
      this.byUser(prompt.chatId, prompt.userId),
    );
  }
}

function placeholder(kind: PromptKind): string {
  if (kind === "rename-plan") return "New title";
  if (kind === "move-plan") return "next friday 19:00";
  return "@username @another";
}
