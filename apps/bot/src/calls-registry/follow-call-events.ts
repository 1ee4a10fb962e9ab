import type {
  CallActionResult,
  CallSnapshot,
  CreateCallRequest,
  CreateCallResult,
  ExistingCall,
} from "@callbot/shared";
import { type CallEntry, isCurrent } from "./call-entry.ts";
import type { CallsRegistry, NewEntry } from "./calls-registry.ts";

/*
 * How the registry follows Telegram. Telegram allows one scheduled-or-live call per chat, so a
 * chat's "current" entry is the one a service message is about (the Bot API's video_chat_*
 * messages carry no call id). A worker result and the service message for the same call can
 * arrive in either order; whichever comes second merges into the entry the first one made.
 */

export type VideoChatEvent =
  | { kind: "scheduled"; startDate: number }
  | { kind: "started" }
  | { kind: "ended"; duration: number };

/** A request seen in the calls queue before its result: shown as "queued". */
export async function trackQueuedRequest(
  registry: CallsRegistry,
  request: CreateCallRequest,
): Promise<CallEntry> {
  return (await registry.byRequest(request.requestId)) ?? registry.create(queuedEntry(request));
}

/** The entry a create-call request starts as, before Telegram's answer. */
function queuedEntry(request: CreateCallRequest): NewEntry {
  return {
    chatId: request.target.chatId,
    chatTitle: request.target.title,
    ...(request.target.username !== undefined && { chatUsername: request.target.username }),
    ...(request.title !== undefined && { title: request.title }),
    state: "queued",
    ...(request.scheduleDate !== undefined && { scheduleDate: request.scheduleDate }),
    rtmp: request.rtmp,
    autostart: request.autostart === true,
    requestId: request.requestId,
    requesterId: request.requester.userId,
    timeZone: request.timeZone,
    ...(request.ack !== undefined && {
      ack: { chatId: request.ack.chatId, messageId: request.ack.messageId },
    }),
  };
}

/**
 * The worker's answer to a create-call request. The request's entry is written once, in its
 * final state: a request nobody listed with /calls meanwhile has no entry yet, and gets one only
 * now (or merges into the one the service message made), which keeps the result's path to a few
 * Redis round trips.
 */
export async function followCreateCallResult(
  registry: CallsRegistry,
  result: CreateCallResult,
): Promise<void> {
  const { request, outcome } = result;
  if (outcome.status === "delayed") return;
  // A created call is merged with the chat's current entry: both reads share a round trip.
  const [known, current] = await Promise.all([
    registry.byRequest(request.requestId),
    outcome.status === "created" ? registry.current(request.target.chatId) : undefined,
  ]);
  if (outcome.status === "failed") {
    await write(registry, {
      ...(known ?? queuedEntry(request)),
      state: "failed",
      errorName: outcome.failure.errorName,
    });
    return;
  }
  if (outcome.status === "exists") {
    // Nothing was made; what the worker read is Telegram's word on the chat's call.
    if (known) await registry.remove(known);
    await learnExistingCall(registry, request, outcome.existing, Math.floor(result.finishedAt / 1000));
    return;
  }
  const { call } = outcome;
  const nowSeconds = Math.floor(result.finishedAt / 1000);
  let entry: NewEntry | CallEntry = {
    ...(known ?? queuedEntry(request)),
    call: { id: call.id, accessHash: call.accessHash },
    rtmp: call.rtmp,
    ...((call.title ?? request.title) !== undefined && { title: call.title ?? request.title }),
  };
  if (current && current.id !== known?.id) {
    if (current.call === undefined || current.call.id === call.id) {
      // The service message came first and made an entry without an id: this is the same call.
      if (known) await registry.remove(known);
      entry = { ...current, ...entry, id: current.id, state: current.state };
      if (current.scheduleDate !== undefined && current.state === "scheduled")
        entry.scheduleDate = current.scheduleDate;
    } else {
      // Our call replaced this one. Its video_chat_ended (which names no call) may still be on
      // its way: remember that, so it does not end our new entry.
      await registry.save({ ...current, state: "ended", endedAt: nowSeconds });
      entry.staleEndExpectedAt = nowSeconds;
    }
  }
  if (entry.state === "queued") {
    entry.state = call.scheduleDate === undefined ? "live" : "scheduled";
    if (call.scheduleDate !== undefined) entry.scheduleDate = call.scheduleDate;
    else {
      delete entry.scheduleDate;
      entry.startedAt = nowSeconds;
    }
  }
  await write(registry, entry);
}

/** Saves an entry the registry has, or creates one it does not have yet. */
async function write(registry: CallsRegistry, entry: NewEntry | CallEntry): Promise<void> {
  if ("id" in entry) await registry.save(entry);
  else await registry.create(entry);
}

/** The worker's answer to an action: its snapshot is Telegram's word on the call's state. */
export async function followCallActionResult(
  registry: CallsRegistry,
  result: CallActionResult,
): Promise<void> {
  const { request, outcome } = result;
  if (request.call === undefined) return;
  const entry = await registry.byCall(request.call.id);
  if (!entry) return;
  const nowSeconds = Math.floor(result.finishedAt / 1000);
  if (outcome.status === "done" && outcome.call) {
    await registry.save(applySnapshot(entry, outcome.call, nowSeconds));
  } else if (outcome.status === "skipped") {
    const settled = settledBySkip(request.action, outcome.reason);
    if (settled) {
      // Telegram said the call already is so: it is live, with that setting.
      await registry.save({ ...entry, ...settled, state: "live" });
      return;
    }
    const state = outcome.reason === "already-ended" ? "ended" : "live";
    if (entry.state !== state) await registry.save({ ...entry, state, ...stamp(state, nowSeconds) });
  } else if (
    outcome.status === "failed" &&
    /GROUPCALL_ALREADY_DISCARDED|GROUPCALL_FORBIDDEN/.test(outcome.failure.errorName)
  ) {
    // Telegram says the call is over: the registry must not keep offering buttons for it.
    if (entry.state !== "ended") await registry.save({ ...entry, state: "ended", endedAt: nowSeconds });
  }
}

/** A video_chat_* service message in a chat: how a call started or ended by hand shows up. */
export async function followVideoChatEvent(
  registry: CallsRegistry,
  chat: { chatId: number; title: string; username?: string },
  event: VideoChatEvent,
  nowSeconds: number,
): Promise<void> {
  const current = await registry.current(chat.chatId);
  switch (event.kind) {
    case "scheduled":
      if (current) {
        await registry.save({ ...current, state: "scheduled", scheduleDate: event.startDate });
        return;
      }
      await registry.create({ ...handMade(chat), state: "scheduled", scheduleDate: event.startDate });
      return;
    case "started":
      if (current) {
        if (current.state === "live") return;
        const { scheduleDate: _dropped, ...rest } = current;
        await registry.save({ ...rest, state: "live", startedAt: nowSeconds });
        return;
      }
      await registry.create({ ...handMade(chat), state: "live", startedAt: nowSeconds });
      return;
    case "ended": {
      if (!current) return;
      const { staleEndExpectedAt, ...rest } = current;
      if (staleEndExpectedAt !== undefined && nowSeconds - staleEndExpectedAt <= STALE_END_WINDOW_SECONDS) {
        // The end of the call ours replaced, not of ours.
        await registry.save(rest);
        return;
      }
      await registry.save({ ...rest, state: "ended", endedAt: nowSeconds });
      return;
    }
  }
}

/**
 * How long after a replace the replaced call's video_chat_ended is expected. Service messages
 * come within seconds; a bot that missed it must not have a real end ignored days later.
 */
const STALE_END_WINDOW_SECONDS = 120;

/** The chat's call, as the worker read it before creating: update or add the chat's entry. */
async function learnExistingCall(
  registry: CallsRegistry,
  request: CreateCallRequest,
  existing: ExistingCall,
  nowSeconds: number,
): Promise<void> {
  const state = existing.state === "active" ? "live" : "scheduled";
  const known = (await registry.byCall(existing.id)) ?? (await registry.current(request.target.chatId));
  const ref = { id: existing.id, accessHash: existing.accessHash };
  if (known && (known.call === undefined || known.call.id === existing.id)) {
    await registry.save(applySnapshot({ ...known, call: ref }, existing, nowSeconds));
    return;
  }
  if (known && isCurrent(known)) await registry.save({ ...known, state: "ended", endedAt: nowSeconds });
  const entry = await registry.create({
    ...handMade({
      chatId: request.target.chatId,
      title: request.target.title,
      ...(request.target.username !== undefined && { username: request.target.username }),
    }),
    call: ref,
    state,
  });
  await registry.save(applySnapshot(entry, existing, nowSeconds));
}

function applySnapshot(
  entry: CallEntry,
  snapshot: CallSnapshot | ExistingCall,
  nowSeconds: number,
): CallEntry {
  const state = snapshot.state === "active" ? "live" : snapshot.state === "discarded" ? "ended" : "scheduled";
  const next: CallEntry = { ...entry, state, rtmp: snapshot.rtmp };
  if (snapshot.title !== undefined) next.title = snapshot.title;
  if ("recording" in snapshot && snapshot.recording !== undefined) next.recording = snapshot.recording;
  if ("joinMuted" in snapshot && snapshot.joinMuted !== undefined) next.joinMuted = snapshot.joinMuted;
  if (state === "scheduled" && snapshot.scheduleDate !== undefined) next.scheduleDate = snapshot.scheduleDate;
  if (state !== "scheduled") delete next.scheduleDate;
  if (entry.state !== state) Object.assign(next, stamp(state, nowSeconds));
  return next;
}

/** What an in-call control's "nothing to do" tells of the call's recording or join setting. */
function settledBySkip(
  action: CallActionResult["request"]["action"],
  reason: Extract<CallActionResult["outcome"], { status: "skipped" }>["reason"],
): Pick<CallEntry, "recording"> | Pick<CallEntry, "joinMuted"> | undefined {
  if (reason === "already-recording") return { recording: true };
  if (reason === "not-recording") return { recording: false };
  if (reason === "already-set") return { joinMuted: action === "mute-new-participants" };
  return undefined;
}

function stamp(state: CallEntry["state"], nowSeconds: number): Partial<CallEntry> {
  if (state === "live") return { startedAt: nowSeconds };
  if (state === "ended") return { endedAt: nowSeconds };
  return {};
}

function handMade(chat: { chatId: number; title: string; username?: string }) {
  return {
    chatId: chat.chatId,
    chatTitle: chat.title,
    ...(chat.username !== undefined && { chatUsername: chat.username }),
    rtmp: false,
    autostart: false,
  };
}
