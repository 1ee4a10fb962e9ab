import { onlineAssistants, readAssistantRegistry } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { RecordingStarters } from "./recording-starters.ts";

export interface RecordingLookersDeps {
  redis: Redis;
  prefix: string;
  starters: RecordingStarters;
}

/**
 * The accounts whose Saved Messages may get the file of a recording that `stopperId` stopped:
 * the stopper, and the account that started it when that was another one. Telegram does not say
 * which of the two gets it (core.telegram.org/method/phone.toggleGroupCallRecord: "sent to Saved
 * Messages (the chat with ourselves)"; the official apps tell the stopper), so both look. A
 * starter that is not online (its session died, its worker stopped) cannot read its Saved
 * Messages, and does not look: its look would wait in its queue with nobody to take it.
 */
export async function recordingLookers(
  deps: RecordingLookersDeps,
  stopperId: number,
  callId: string | undefined,
): Promise<number[]> {
  const starter = callId === undefined ? undefined : await deps.starters.starterOf(callId);
  if (starter === undefined || starter === stopperId) return [stopperId];
  const online = onlineAssistants(await readAssistantRegistry(deps.redis, deps.prefix));
  return online.some((entry) => entry.accountId === starter) ? [stopperId, starter] : [stopperId];
}
