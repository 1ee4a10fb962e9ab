import { createHash } from "node:crypto";
import type { AuthKeyRegistry } from "./auth-key-registry.ts";

/** The data centre the sandbox claims to be; gramjs stores it in the session. */
export const SANDBOX_DC_ID = 2;

/**
 * A 256-byte auth key derived from the world's seed and the user id, so that the same world
 * issues the same session strings after a restart (a session file written once keeps working).
 */
export function deriveAuthKey(seed: string, userId: number): Buffer {
  const blocks: Buffer[] = [];
  for (let block = 0; block < 8; block++) {
    blocks.push(createHash("sha256").update(`callbot-sandbox-auth-key|${seed}|${userId}|${block}`).digest());
  }
  return Buffer.concat(blocks);
}

/**
 * gramjs's StringSession: "1" + base64(dcId:uint8 | addrLen:int16BE | addr | port:int16BE | authKey).
 * gramjs reads the port back as a signed int16 (and then ignores it when dialling), so it is
 * written as the same 16 bits unsigned; ports above 32767 stay representable.
 */
export function encodeStringSession(dcId: number, host: string, port: number, authKey: Buffer): string {
  const address = Buffer.from(host, "ascii");
  const header = Buffer.allocUnsafe(3);
  header.writeUInt8(dcId, 0);
  header.writeInt16BE(address.length, 1);
  const portBytes = Buffer.allocUnsafe(2);
  portBytes.writeUInt16BE(port, 0);
  return `1${Buffer.concat([header, address, portBytes, authKey]).toString("base64")}`;
}

export interface SessionAccount {
  userId: number;
  username: string;
}

/**
 * Registers one auth key per userbot account and returns its session string by username
 * (falling back to the user id for an account without a username).
 */
export function issueSessions(opts: {
  seed: string;
  accounts: SessionAccount[];
  registry: AuthKeyRegistry;
  host: string;
  port: number;
}): Record<string, string> {
  const sessions: Record<string, string> = {};
  for (const account of opts.accounts) {
    const key = deriveAuthKey(opts.seed, account.userId);
    opts.registry.register(key, account.userId);
    sessions[account.username] = encodeStringSession(SANDBOX_DC_ID, opts.host, opts.port, key);
  }
  return sessions;
}
