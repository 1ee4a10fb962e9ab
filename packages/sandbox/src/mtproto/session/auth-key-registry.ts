import { createHash } from "node:crypto";

/** One auth key the sandbox issued, and the account it logs in. */
export interface RegisteredAuthKey {
  key: Buffer;
  /** auth_key_id as it appears on the wire (8 bytes). */
  id: Buffer;
  userId: number;
}

/** auth_key_id = the last 8 bytes of SHA1(auth_key), as MTProto defines it. */
export function authKeyIdOf(key: Buffer): Buffer {
  return createHash("sha1").update(key).digest().subarray(12, 20);
}

/**
 * The auth keys the sandbox knows. There is no DH key exchange: a message under any other
 * key id comes from a client the sandbox never issued a session to, and is refused.
 */
export class AuthKeyRegistry {
  private readonly byId = new Map<string, RegisteredAuthKey>();

  register(key: Buffer, userId: number): RegisteredAuthKey {
    if (key.length !== 256) throw new Error("an MTProto auth key is 256 bytes");
    const entry = { key, id: authKeyIdOf(key), userId };
    this.byId.set(entry.id.toString("hex"), entry);
    return entry;
  }

  clear(): void {
    this.byId.clear();
  }

  /** Looks a key up by the hex of its wire auth_key_id. */
  find(authKeyIdHex: string): RegisteredAuthKey | undefined {
    return this.byId.get(authKeyIdHex);
  }
}
