import { randomBytes } from "node:crypto";
import { Api } from "telegram";
import { TelegramRpcError } from "../../../world/types.ts";
import type { AccountlessContext, AccountlessHandler } from "../request-context.ts";
import { embed, long, userToTl } from "../tl-mappers.ts";

/** auth.authorization for the account the key was just bound to. */
function authorization(ctx: AccountlessContext, userId: number): Api.auth.Authorization {
  const user = ctx.world.getUser(userId);
  if (!user) throw new TelegramRpcError(500, "INTERNAL_SANDBOX_LOGIN_WITHOUT_USER");
  return new Api.auth.Authorization({ user: embed(userToTl(ctx.world, user, userId)) });
}

/**
 * Logging in (core.telegram.org/api/auth, /api/srp), callable before the key has an account.
 * The rules and their errors live in LoginDesk; this is the TL around them.
 */
export const authMethods: Record<string, AccountlessHandler> = {
  "auth.sendCode": (ctx, request: Api.auth.SendCode) => {
    const sent = ctx.logins.sendCode(request.phoneNumber, ctx.dc.id, ctx.now);
    // The account is logged in elsewhere, so Telegram sends the code there: sentCodeTypeApp.
    return new Api.auth.SentCode({
      type: new Api.auth.SentCodeTypeApp({ length: sent.length }),
      phoneCodeHash: sent.hash,
    });
  },

  "auth.signIn": (ctx, request: Api.auth.SignIn) => {
    const outcome = ctx.logins.signIn(
      ctx.authKey,
      request.phoneNumber,
      request.phoneCodeHash,
      request.phoneCode ?? "",
      ctx.now,
    );
    if (outcome === "sign-up") return new Api.auth.AuthorizationSignUpRequired({});
    return authorization(ctx, outcome);
  },

  "account.getPassword": (ctx) => {
    const found = ctx.logins.getPassword(ctx.authKey);
    const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
      salt1: randomBytes(32),
      salt2: randomBytes(16),
      g: 3,
      p: Buffer.alloc(0),
    });
    const common = {
      newAlgo,
      newSecureAlgo: new Api.SecurePasswordKdfAlgoSHA512({ salt: randomBytes(8) }),
      secureRandom: randomBytes(32),
    };
    if (!found?.challenge) return new Api.account.Password({ ...common, hasPassword: false });
    const { algo } = found.state;
    newAlgo.p = algo.p;
    return new Api.account.Password({
      ...common,
      hasPassword: true,
      currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(algo),
      srp_B: found.challenge.srp.B,
      srpId: long(found.challenge.srpId),
      ...(found.hint !== undefined && { hint: found.hint }),
    });
  },

  "auth.checkPassword": (ctx, request: Api.auth.CheckPassword) => {
    const proof = request.password;
    if (!(proof instanceof Api.InputCheckPasswordSRP))
      throw new TelegramRpcError(400, "PASSWORD_HASH_INVALID");
    const userId = ctx.logins.checkPassword(ctx.authKey, BigInt(proof.srpId.toString()), proof.A, proof.M1);
    return authorization(ctx, userId);
  },
};
