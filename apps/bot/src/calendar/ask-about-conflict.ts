import type { InlineKeyboard } from "grammy";
import type { Redis } from "ioredis";
import { type ConflictOffer, conflictKeyboard, saveConflictOffer } from "./conflict-offers.ts";
import type { Placement } from "./place-call.ts";
import { renderConflict } from "./render-planned.ts";

/** How an answer is shown: a reply to the command, or the guided flow's (or a press's) message edited. */
export type ShowAnswer = (text: string, keyboard?: InlineKeyboard) => Promise<void>;

/**
 * Names the calls a new (or moved) call would overlap, with "Plan after it" (its offer saved for
 * the press, at the first free start) and "Cancel". Nothing is planned or changed here.
 */
export async function askAboutConflict(
  placement: Extract<Placement, { kind: "conflict" }>,
  call: Omit<ConflictOffer, "proposal">,
  show: ShowAnswer,
  deps: { redis: Redis; prefix: string },
): Promise<void> {
  const token =
    placement.proposal === undefined
      ? undefined
      : await saveConflictOffer(deps.redis, deps.prefix, { ...call, proposal: placement.proposal });
  await show(
    renderConflict(placement.conflicts, {
      chatTitle: call.target.title,
      timeZone: call.timeZone,
      proposal: placement.proposal,
      defaultLengthSeconds: placement.defaultLengthSeconds,
    }),
    token === undefined ? undefined : conflictKeyboard(token, true),
  );
}
