import { randomBytes, randomInt } from "node:crypto";
import { EventEmitter } from "node:events";
import type { FixtureLogin } from "../../world/fixture-schema.ts";
import { TelegramRpcError } from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import { HOME_DC_ID } from "../data-centres.ts";
import type { RegisteredAuthKey } from "../session/auth-key-registry.ts";
import {
  newPasswordAlgo,
  type PasswordAlgo,
  passwordVerifier,
  type SrpChallenge,
  srpChallenge,
  srpProofMatches,
} from "./srp-verifier.ts";

/** A login code the sandbox "sent" (to the account's other Telegram apps); the control API reads them. */
export interface SentLoginCode {
  phone: string;
  code: string;
  userId: number | undefined;
  sentAt: number;
}

interface PendingCode extends SentLoginCode {
  hash: string;
}

interface PasswordState {
  userId: number;
  algo: PasswordAlgo;
  verifier: bigint;
}

/** What a key waiting for its two-step password holds between account.getPassword and auth.checkPassword. */
interface PasswordPending {
  userId: number;
  challenge?: { srpId: bigint; srp: SrpChallenge };
}

const rpc = (code: number, message: string) => new TelegramRpcError(code, message);

/**
 * The login desk: auth.sendCode, auth.signIn, account.getPassword and auth.checkPassword for
 * the world's `logins`, with Telegram's errors (core.telegram.org/api/auth, /api/srp,
 * /api/errors, /api/datacenter). A successful login binds the client's auth key to the
 * account; from then on the key is accepted like an issued session's.
 */
export class LoginDesk extends EventEmitter<{ code: [SentLoginCode] }> {
  private readonly codes = new Map<string, PendingCode>();
  private readonly sendTimes = new Map<string, number[]>();
  private readonly waitingForPassword = new WeakMap<RegisteredAuthKey, PasswordPending>();
  private readonly passwords = new Map<number, PasswordState & { password: string }>();
  private readonly sent: SentLoginCode[] = [];

  /**
   * How strict logins are (code lifetime, codes per number) comes from the world's settings:
   * Telegram publishes neither number.
   */
  constructor(private readonly world: World) {
    super();
    world.on("loaded", () => {
      this.codes.clear();
      this.sendTimes.clear();
      this.passwords.clear();
      this.sent.length = 0;
    });
  }

  /** The codes sent so far, newest last (for the control API). */
  sentCodes(phone?: string): SentLoginCode[] {
    const wanted = phone === undefined ? undefined : normalisePhone(phone);
    return this.sent.filter((sent) => wanted === undefined || sent.phone === wanted);
  }

  sendCode(rawPhone: string, dcId: number, now: number): { phone: string; hash: string; length: number } {
    const phone = normalisePhone(rawPhone);
    // api/errors: 400 PHONE_NUMBER_INVALID, "the phone number is invalid".
    if (phone === undefined) throw rpc(400, "PHONE_NUMBER_INVALID");
    const login = this.loginFor(phone);
    // api/datacenter: a number registered on another DC gets 303 PHONE_MIGRATE_X there.
    const home = login?.dc ?? HOME_DC_ID;
    if (home !== dcId) throw rpc(303, `PHONE_MIGRATE_${home}`);

    const { sendCodeLimit, sendCodeWindowSeconds } = this.world.settings;
    const windowStart = now - sendCodeWindowSeconds * 1000;
    const times = (this.sendTimes.get(phone) ?? []).filter((time) => time > windowStart);
    if (times.length >= sendCodeLimit) {
      const oldest = times[0] ?? now;
      const seconds = Math.max(1, Math.ceil((oldest + sendCodeWindowSeconds * 1000 - now) / 1000));
      throw rpc(420, `FLOOD_WAIT_${seconds}`);
    }
    times.push(now);
    this.sendTimes.set(phone, times);

    const code: PendingCode = {
      phone,
      code: String(randomInt(0, 100000)).padStart(5, "0"),
      hash: randomBytes(9).toString("hex"),
      userId: login?.userId,
      sentAt: now,
    };
    // A new code replaces the last one: the older phone_code_hash is no longer valid.
    this.codes.set(phone, code);
    const sent = { phone, code: code.code, userId: code.userId, sentAt: now };
    this.sent.push(sent);
    this.emit("code", sent);
    return { phone, hash: code.hash, length: code.code.length };
  }

  /**
   * auth.signIn: the user id on success; "sign-up" for a number with no account;
   * SESSION_PASSWORD_NEEDED (401) when the account has two-step verification.
   */
  signIn(
    authKey: RegisteredAuthKey,
    rawPhone: string,
    hash: string,
    code: string,
    now: number,
  ): number | "sign-up" {
    const phone = normalisePhone(rawPhone);
    if (phone === undefined) throw rpc(400, "PHONE_NUMBER_INVALID");
    if (code.trim() === "") throw rpc(400, "PHONE_CODE_EMPTY");
    const pending = this.codes.get(phone);
    if (!pending || pending.hash !== hash) throw rpc(400, "PHONE_CODE_EXPIRED");
    if (now - pending.sentAt > this.world.settings.loginCodeLifetimeSeconds * 1000) {
      this.codes.delete(phone);
      throw rpc(400, "PHONE_CODE_EXPIRED");
    }
    if (pending.code !== code.trim()) throw rpc(400, "PHONE_CODE_INVALID");
    this.codes.delete(phone);
    const login = this.loginFor(phone);
    if (!login) return "sign-up";
    if (login.password !== undefined) {
      this.waitingForPassword.set(authKey, { userId: login.userId });
      // api/srp: "the server returns SESSION_PASSWORD_NEEDED" after a correct code.
      throw rpc(401, "SESSION_PASSWORD_NEEDED");
    }
    authKey.userId = login.userId;
    return login.userId;
  }

  /** account.getPassword for a key between its code and its password (or a logged-in one). */
  getPassword(
    authKey: RegisteredAuthKey,
  ): { state: PasswordState; challenge?: { srpId: bigint; srp: SrpChallenge }; hint?: string } | undefined {
    const userId = authKey.userId ?? this.waitingForPassword.get(authKey)?.userId;
    if (userId === undefined) throw rpc(401, "AUTH_KEY_UNREGISTERED");
    const login = this.world.logins.find((l) => l.userId === userId);
    const state = this.passwordState(login);
    if (!state || !login) return undefined;
    const challenge = { srpId: randomBytes(8).readBigInt64LE(0), srp: srpChallenge(state.verifier) };
    const pending = this.waitingForPassword.get(authKey);
    if (pending) pending.challenge = challenge;
    return { state, challenge, ...(login.passwordHint !== undefined && { hint: login.passwordHint }) };
  }

  /** auth.checkPassword: binds the key to the account when the SRP proof is right. */
  checkPassword(authKey: RegisteredAuthKey, srpId: bigint, A: Buffer, M1: Buffer): number {
    const pending = this.waitingForPassword.get(authKey);
    if (!pending) throw rpc(401, "AUTH_KEY_UNREGISTERED");
    const { challenge } = pending;
    // api/srp: the srp_id names the account.password this proof answers.
    if (!challenge || challenge.srpId !== srpId) throw rpc(400, "SRP_ID_INVALID");
    const state = this.passwordState(this.world.logins.find((l) => l.userId === pending.userId));
    if (!state) throw rpc(400, "SRP_ID_INVALID");
    // One proof per challenge, right or wrong: the client asks account.getPassword again.
    pending.challenge = undefined;
    if (!srpProofMatches(state.algo, state.verifier, challenge.srp, A, M1))
      throw rpc(400, "PASSWORD_HASH_INVALID");
    this.waitingForPassword.delete(authKey);
    authKey.userId = pending.userId;
    return pending.userId;
  }

  private loginFor(phone: string): FixtureLogin | undefined {
    return this.world.logins.find((login) => login.phone === phone);
  }

  /** Salts and verifier per account, made once (PBKDF2 with 100,000 rounds is slow on purpose). */
  private passwordState(login: FixtureLogin | undefined): PasswordState | undefined {
    if (!login?.password) return undefined;
    const known = this.passwords.get(login.userId);
    if (known && known.password === login.password) return known;
    const algo = newPasswordAlgo();
    const state = {
      userId: login.userId,
      algo,
      verifier: passwordVerifier(login.password, algo),
      password: login.password,
    };
    this.passwords.set(login.userId, state);
    return state;
  }
}

/**
 * Digits only, as Telegram stores numbers; people type "+49 170 123-45-67". Anything else
 * than 5 to 15 digits after dropping "+", spaces, dashes, dots and brackets is not a number.
 */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw
    .trim()
    .replace(/^\+/, "")
    .replace(/[\s\-.()]/g, "");
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}
