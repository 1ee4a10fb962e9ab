import type { WorldEvents, WorldMessage } from "../world/types.ts";
import type { World } from "../world/world.ts";

/**
 * Resolves with the first message for which `check` returns it (looking at what exists now, then
 * at each event), or rejects after `timeoutMs` with `describeFailure()`'s text. Event-driven:
 * no polling, no sleeps.
 */
export function waitForWorldMessage(
  world: World,
  events: Array<"message" | "messageEdited">,
  check: () => WorldMessage | undefined,
  timeoutMs: number,
  describeFailure: () => string,
): Promise<WorldMessage> {
  const found = check();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      const match = check();
      if (!match) return;
      cleanUp();
      resolve(match);
    };
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(describeFailure()));
    }, timeoutMs);
    const cleanUp = () => {
      clearTimeout(timer);
      for (const event of events) world.off(event, onEvent as (...args: WorldEvents[typeof event]) => void);
    };
    for (const event of events) world.on(event, onEvent as (...args: WorldEvents[typeof event]) => void);
  });
}

/** "#3 "queued…" (edits: "a" -> "b")" lines for error messages that show what the bot did. */
export function describeMessages(messages: WorldMessage[]): string {
  if (messages.length === 0) return "  (nothing)";
  return messages
    .map((m) => {
      const body =
        m.text !== undefined ? JSON.stringify(m.text) : m.service ? `[${m.service.kind}]` : "(no text)";
      const edits =
        m.editHistory.length > 0
          ? ` (earlier texts: ${m.editHistory.map((t) => JSON.stringify(t)).join(" -> ")})`
          : "";
      return `  #${m.id} ${body}${edits}`;
    })
    .join("\n");
}
