import type { World } from "../../world/world.ts";
import type { ClientConnection } from "../connection.ts";
import { isVisibleTo, updatesFromEvents } from "./updates-from-events.ts";
import type { WorldEventTap } from "./world-event-tap.ts";

/**
 * Pushes world changes to every connected, authenticated client whose account is in the chat
 * (or, for Saved Messages, whose account it is),
 * except the connection whose request caused them (it gets them in its rpc_result).
 */
export function startUpdatePush(
  world: World,
  tap: WorldEventTap,
  connections: ReadonlySet<ClientConnection>,
): void {
  tap.onBatch((events, origin) => {
    for (const connection of connections) {
      const accountId = connection.accountId;
      if (connection === origin || connection.closed || accountId === undefined) continue;
      const visible = events.filter((event) => isVisibleTo(world, event, accountId));
      if (visible.length === 0) continue;
      const updates = updatesFromEvents(world, visible, accountId);
      if (updates.updateCount > 0) connection.send(updates.bytes, "push");
    }
  });
}
