import { createHash } from "node:crypto";

/** One auth key the sandbox knows (issued, or made by a key exchange), and the account it is logged in to. */
export interface RegisteredAuthKey {
  key: Buffer;
  /** auth_key_id as it appears on the wire (8 bytes). */
  id: Buffer;
  /** Undefined until auth.signIn / auth.checkPassword logs the key in. */
  userId: number | undefined;
}

/** auth_key_id = the last 8 bytes of SHA1(auth_key), as MTProto defines it. */
export function authKeyIdOf(key: Buffer): Buffer {
  return createHash("sha1").update(key).digest().subarray(12, 20);
}

/**
 * The auth keys one data centre of the sandbox knows: the ones it issued sessions for and the
 * ones clients made with it by key exchange. An auth key belongs to the data centre it was made
 * on (core.telegram.org/api/datacenter: a client sent to another DC makes a new key there), so
 * each data centre has its own registry.
 */
export class AuthKeyRegistry {
  private readonly byId = new Map<string, RegisteredAuthKey>();

  register(key: Buffer, userId: number | undefined): RegisteredAuthKey {
    if (key.length !== 256) throw new Error("an MTProto auth key is 256 bytes");
    const entry = { key, id: authKeyIdOf(key), userId };
    this.byId.set(entry.id.toString("hex"), entry);
    return entry;
  }

  /**
   * Ends every session of `userId` on this data centre, as "Terminate all other sessions" or an
   * auth.resetAuthorizations from another device does: the keys stay known but are no longer
   * logged in, so each further request gets 401 AUTH_KEY_UNREGISTERED. Returns how many ended.
   */
  logOut(userId: number): number {
    let ended = 0;
    for (const entry of this.byId.values()) {
      if (entry.userId !== userId) continue;
      entry.userId = undefined;
      ended += 1;
    }
    return ended;
  }

  clear(): void {
    this.byId.clear();
  }

  /** Looks a key up by the hex of its wire auth_key_id. */
  find(authKeyIdHex: string): RegisteredAuthKey | undefined {
    return this.byId.get(authKeyIdHex);
  }
}
