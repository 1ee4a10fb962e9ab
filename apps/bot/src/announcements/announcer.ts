import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { ChatCallSettingsStore } from "../chat-settings/chat-call-settings.ts";
import { isMessageNotModified, isMessageToEditGone } from "../telegram/bot-api-errors.ts";
import { renderAnnouncement } from "./render-announcement.ts";

/** An announcement the bot posted: where, and the text it shows now (edits happen only on change). */
export interface AnnouncementRecord {
  chatId: number;
  messageId: number;
  text: string;
  /** False when the bot may not pin there: whoever scheduled the call is told how to fix it. */
  pinned?: boolean;
}

/** Kept a little longer than Telegram's 8-day scheduling window, plus a day of being live. */
const RECORD_TTL_SECONDS = 10 * 24 * 3600;
/** "I could not pin" is said once a month per chat, not per call. */
const PIN_HINT_TTL_SECONDS = 30 * 24 * 3600;

export interface AnnouncerDeps {
  api: Api;
  redis: Redis;
  prefix: string;
  settings: ChatCallSettingsStore;
  defaultTimeZone: string;
  logger: Logger;
}

export interface Announcer {
  /**
   * Posts, pins or edits the entry's announcement so that it shows the entry as it is now.
   * Resolves to whether the entry has an announcement after that, which its reminders need: told
   * here, they need not read the record again.
   */
  follow(entry: CallEntry): Promise<boolean>;
  /** The announcement of an entry, if one was posted. */
  record(entryId: string): Promise<AnnouncementRecord | undefined>;
}

/**
 * The announcement of each call in a chat that asked for them (/announce on): posted and pinned
 * when the call is scheduled in Telegram, edited when it moves, starts or ends. It follows the
 * calls registry (every save, whatever caused it: a worker result or a service message), and
 * edits only when the text changes, so repeated saves cost nothing in Telegram.
 */
export function createAnnouncer(deps: AnnouncerDeps): Announcer {
  const key = (entryId: string) => `${deps.prefix}:bot:announcement:${entryId}`;
  // Saves of one entry are followed one after another: a result and its service message can
  // arrive together, and only one of them may post.
  const turns = new Map<string, Promise<void>>();

  async function record(entryId: string): Promise<AnnouncementRecord | undefined> {
    const raw = await deps.redis.get(key(entryId));
    return raw === null ? undefined : (JSON.parse(raw) as AnnouncementRecord);
  }

  /** Resolves to whether the entry has an announcement record afterwards. */
  async function sync(entry: CallEntry): Promise<boolean> {
    const posted = await record(entry.id);
    if (posted === undefined && entry.state !== "scheduled") return false;
    const settings = await deps.settings.get(entry.chatId);
    if (posted === undefined && !settings.announce) return false;
    const rendered = renderAnnouncement(entry, {
      timeZone: entry.timeZone ?? deps.defaultTimeZone,
      remindMinutes: settings.remindMinutes,
    });
    if (rendered === undefined) return posted !== undefined;
    const markup = rendered.keyboard === undefined ? {} : { reply_markup: rendered.keyboard };
    if (posted === undefined) {
      const sent = await deps.api.sendMessage(entry.chatId, rendered.text, {
        ...markup,
        link_preview_options: { is_disabled: true },
      });
      const record = { chatId: entry.chatId, messageId: sent.message_id, text: rendered.text };
      await save(record, entry.id);
      const pinned = await pin(entry, sent.message_id);
      if (!pinned) await save({ ...record, pinned }, entry.id);
      return true;
    }
    // The requester is known only once the worker's result arrived, which may follow the
    // service message that posted the announcement.
    if (posted.pinned === false) await tellOwnerHowToPin(entry);
    if (posted.text === rendered.text) return true;
    try {
      await deps.api.editMessageText(posted.chatId, posted.messageId, rendered.text, {
        ...markup,
        link_preview_options: { is_disabled: true },
      });
    } catch (error) {
      if (isMessageToEditGone(error)) {
        // Someone deleted the announcement: it is not posted again.
        deps.logger.info({ entryId: entry.id }, "the announcement was deleted; not following it");
      } else if (!isMessageNotModified(error)) throw error;
    }
    await save({ ...posted, text: rendered.text }, entry.id);
    return true;
  }

  async function save(posted: AnnouncementRecord, entryId: string): Promise<void> {
    await deps.redis.set(key(entryId), JSON.stringify(posted), "EX", RECORD_TTL_SECONDS);
  }

  /** Pins the announcement; false when the bot lacks the right (then it stays posted, unpinned). */
  async function pin(entry: CallEntry, messageId: number): Promise<boolean> {
    try {
      await deps.api.pinChatMessage(entry.chatId, messageId);
      return true;
    } catch (error) {
      if (!/not enough rights|CHAT_ADMIN_REQUIRED|need administrator rights/i.test(String(error)))
        throw error;
      deps.logger.info({ chatId: entry.chatId }, "the announcement is posted but the bot may not pin it");
      await tellOwnerHowToPin(entry);
      return false;
    }
  }

  /** Once per chat (a month): the person who scheduled the call hears how to let the bot pin. */
  async function tellOwnerHowToPin(entry: CallEntry): Promise<void> {
    if (entry.requesterId === undefined) return;
    const first = await deps.redis.set(
      `${deps.prefix}:bot:announce-pin-hint:${entry.chatId}`,
      "1",
      "EX",
      PIN_HINT_TTL_SECONDS,
      "NX",
    );
    if (first === null) return;
    await deps.api
      .sendMessage(
        entry.requesterId,
        `I posted the announcement in «${entry.chatTitle}» but could not pin it: I am not allowed to pin messages there. ` +
          `Make me an admin with the "Pin messages" right (in a channel: "Edit messages of others"); /setup in the chat shows its set-up.`,
      )
      .catch((error: unknown) => deps.logger.info({ err: error }, "could not tell the owner how to pin"));
  }

  return {
    record,
    follow(entry) {
      const previous = turns.get(entry.id) ?? Promise.resolve();
      const turn = previous.then(() => sync(entry));
      const settled = turn.then(
        () => undefined,
        () => undefined,
      );
      turns.set(entry.id, settled);
      void settled.then(() => {
        if (turns.get(entry.id) === settled) turns.delete(entry.id);
      });
      return turn;
    },
  };
}
