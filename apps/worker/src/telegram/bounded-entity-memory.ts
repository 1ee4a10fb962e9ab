import { EntityCache } from "telegram/entityCache.js";
import { StringSession } from "telegram/sessions/index.js";

/**
 * How many peers gramjs's in-memory entity cache keeps. The worker addresses every chat with an
 * InputPeer it built from its own Redis peer cache (peers/peer-cache.ts), so gramjs's cache is
 * only a convenience; bounded, it cannot grow with every chat the assistant has ever seen.
 */
export const ENTITY_CACHE_LIMIT = 1_000;

/**
 * gramjs's entity cache with a size bound: the oldest peers go first. gramjs adds every user and
 * chat of every answer and every pushed update to it and never removes any, so unbounded it
 * grows with each new chat (and with each member who writes in one) for the process's life.
 */
export class BoundedEntityCache extends EntityCache {
  constructor(private readonly limit = ENTITY_CACHE_LIMIT) {
    super();
  }

  override add(entities: unknown): void {
    super.add(entities);
    const peers = this.peers();
    for (const key of peers.keys()) {
      if (peers.size <= this.limit) break;
      peers.delete(key);
    }
  }

  /** Peers held now. */
  get size(): number {
    return this.peers().size;
  }

  /** gramjs keeps the map in a field its typings mark private; Map keeps insertion order, oldest first. */
  private peers(): Map<string, unknown> {
    return Reflect.get(this, "cacheMap") as Map<string, unknown>;
  }
}

/**
 * A StringSession that keeps no entity rows. gramjs's MemorySession stores a new
 * [id, hash, username, phone, name] row for every user and chat in every answer and pushed
 * update, in a Set of fresh arrays that never deduplicates and is never emptied: it grows with
 * each request and each message in any chat the assistant is in. The rows are only a fallback
 * for looking peers up by id, username or phone, which the worker never does (it passes
 * InputPeers), and StringSession.save() never writes them. The auth key and DC stay as they are.
 */
export class EntitylessStringSession extends StringSession {
  override processEntities(_tlo: unknown): void {}

  /** Entity rows held now (always 0; for tests and the bench). */
  get entityRows(): number {
    return this._entities.size;
  }
}
