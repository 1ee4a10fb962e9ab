import type { WorldGroupCall, WorldMessage } from "../../world/types.ts";
import type { World } from "../../world/world.ts";

/** The world events MTProto clients hear about. */
export type WorldEvent =
  | { kind: "groupCall"; call: WorldGroupCall }
  | { kind: "message"; message: WorldMessage }
  /** A message in an account's Saved Messages: only that account hears of it. */
  | { kind: "savedMessage"; accountId: number; message: WorldMessage };

/** Who caused a batch of events: the connection whose request made the change, if any. */
export type EventOrigin = object | undefined;

type BatchListener = (events: WorldEvent[], origin: EventOrigin) => void;

/**
 * Listens to the world and hands its events out in batches: the events one request caused
 * (which belong in that request's rpc_result) and, for everyone else, the same events grouped
 * per change, like Telegram sends updateGroupCall and the service message in one Updates.
 * World methods emit synchronously, so "during this call" is well defined.
 */
export class WorldEventTap {
  private capturing: { origin: object; events: WorldEvent[] } | undefined;
  private pending: WorldEvent[] = [];
  private pendingOrigin: EventOrigin;
  private flushScheduled = false;
  private readonly listeners: BatchListener[] = [];
  private readonly onGroupCall = (call: WorldGroupCall) => this.record({ kind: "groupCall", call });
  private readonly onMessage = (message: WorldMessage) => this.record({ kind: "message", message });
  private readonly onSavedMessage = ({ accountId, message }: { accountId: number; message: WorldMessage }) =>
    this.record({ kind: "savedMessage", accountId, message });

  constructor(private readonly world: World) {
    world.on("groupCall", this.onGroupCall);
    world.on("message", this.onMessage);
    world.on("savedMessage", this.onSavedMessage);
  }

  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  /** Runs a world change on behalf of `origin` and returns the events it emitted. */
  capture<T>(origin: object, change: () => T): { value: T; events: WorldEvent[] } {
    this.flush();
    const frame = { origin, events: [] as WorldEvent[] };
    this.capturing = frame;
    try {
      const value = change();
      return { value, events: frame.events };
    } finally {
      this.capturing = undefined;
      if (frame.events.length > 0) this.emitBatch([...frame.events], origin);
    }
  }

  close(): void {
    this.world.off("groupCall", this.onGroupCall);
    this.world.off("message", this.onMessage);
    this.world.off("savedMessage", this.onSavedMessage);
  }

  private record(event: WorldEvent): void {
    if (this.capturing) {
      this.capturing.events.push(event);
      return;
    }
    // Changes made elsewhere (the control API, the Bot API) arrive as separate synchronous
    // emits; gather those of one tick into one batch.
    this.pending.push(event);
    this.pendingOrigin = undefined;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.emitBatch(batch, this.pendingOrigin);
  }

  private emitBatch(events: WorldEvent[], origin: EventOrigin): void {
    for (const listener of this.listeners) listener(events, origin);
  }
}
