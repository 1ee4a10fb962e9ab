import { describe, expect, it } from "vitest";
import { LoginDesk, normalisePhone } from "../src/mtproto/login/login-desk.ts";
import { authKeyIdOf, type RegisteredAuthKey } from "../src/mtproto/session/auth-key-registry.ts";
import { World } from "../src/world/world.ts";
import { demoFixtureWithOwnerAccount } from "./support/gramjs-sandbox.ts";

const PHONE = "9996622001";

function desk() {
  const world = new World({
    ...demoFixtureWithOwnerAccount(),
    logins: [{ userId: 2001, phone: PHONE }],
    settings: { loginCodeLifetimeSeconds: 60, sendCodeLimit: 2, sendCodeWindowSeconds: 600 },
  });
  return new LoginDesk(world);
}
const freshKey = (): RegisteredAuthKey => {
  const key = Buffer.alloc(256, 7);
  return { key, id: authKeyIdOf(key), userId: undefined };
};

describe("the login desk's clock rules", () => {
  it("expires a code after its lifetime, and a right code in time logs the key in", () => {
    const logins = desk();
    const t0 = 1_000_000;
    const first = logins.sendCode(PHONE, 2, t0);
    const code = logins.sentCodes(PHONE).at(-1)?.code ?? "";
    const key = freshKey();
    expect(() => logins.signIn(key, PHONE, first.hash, code, t0 + 61_000)).toThrow("PHONE_CODE_EXPIRED");
    const second = logins.sendCode(PHONE, 2, t0 + 62_000);
    const secondCode = logins.sentCodes(PHONE).at(-1)?.code ?? "";
    expect(logins.signIn(key, PHONE, second.hash, secondCode, t0 + 100_000)).toBe(2001);
    expect(key.userId).toBe(2001);
  });

  it("says how long to wait when a number asked for too many codes, and lets it ask again after", () => {
    const logins = desk();
    const t0 = 5_000_000;
    logins.sendCode(PHONE, 2, t0);
    logins.sendCode(PHONE, 2, t0 + 100_000);
    expect(() => logins.sendCode(PHONE, 2, t0 + 200_000)).toThrow("FLOOD_WAIT_400");
    expect(logins.sendCode(PHONE, 2, t0 + 600_001).length).toBe(5);
  });

  it("reads numbers as people type them", () => {
    expect(normalisePhone("+999 66 2-2001")).toBe("9996622001");
    expect(normalisePhone("(999) 662.2001")).toBe("9996622001");
    expect(normalisePhone("999 abc")).toBeUndefined();
    expect(normalisePhone("+1")).toBeUndefined();
  });
});
