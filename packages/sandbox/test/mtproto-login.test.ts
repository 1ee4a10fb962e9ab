import { Api, type TelegramClient } from "telegram";
import { computeCheck } from "telegram/Password.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HOME_DC_ID, SECOND_DC_ID } from "../src/mtproto/data-centres.ts";
import { loginClient, trustSandboxKey } from "./support/gramjs-login.ts";
import {
  demoFixtureWithOwnerAccount,
  type MtprotoTestSandbox,
  startMtprotoTestSandbox,
  TEST_API_ID,
} from "./support/gramjs-sandbox.ts";
import { DEMO } from "./support/gramjs-session.ts";

const PHONES = {
  assistant: "9996622001",
  withPassword: "9996621001",
  onSecondDc: "9996641002",
} as const;
const PASSWORD = "correct horse battery staple";

function fixture() {
  return {
    ...demoFixtureWithOwnerAccount(),
    logins: [
      { userId: DEMO.userbotId, phone: PHONES.assistant },
      { userId: DEMO.ownerId, phone: PHONES.withPassword, password: PASSWORD, passwordHint: "horse" },
      { userId: 1002, phone: PHONES.onSecondDc, dc: 4 as const },
    ],
    settings: { sendCodeLimit: 3 },
  };
}

// Generous: PBKDF2 with 100,000 rounds runs on both sides of every two-step login.
describe("logging in to the sandbox from an empty gramjs session", { timeout: 30_000 }, () => {
  let bed: MtprotoTestSandbox;
  let untrust: () => void;
  const clients: TelegramClient[] = [];
  const open = (opts: { session?: string; startDc?: number } = {}) => {
    const client = loginClient(bed.server.dataCentres, TEST_API_ID, opts);
    clients.push(client);
    return client;
  };
  const lastCode = (phone: string) => bed.server.logins.sentCodes(phone).at(-1)?.code ?? "";
  const sendCode = async (client: TelegramClient, phone: string) =>
    (await client.invoke(
      new Api.auth.SendCode({
        phoneNumber: phone,
        apiId: TEST_API_ID,
        apiHash: "sandbox",
        settings: new Api.CodeSettings({}),
      }),
    )) as Api.auth.SentCode;

  beforeAll(async () => {
    bed = await startMtprotoTestSandbox(fixture());
    untrust = trustSandboxKey(bed.server.publicKey);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy().catch(() => undefined)));
  });
  afterAll(async () => {
    untrust();
    await bed.server.close();
  });

  it("runs the key exchange: the client gets a new 256-byte auth key and the server's config", async () => {
    const client = open();
    expect(await client.connect()).toBe(true);
    const key = client.session.getAuthKey()?.getKey();
    expect(key?.length).toBe(256);
    const config = (await client.invoke(new Api.help.GetConfig())) as Api.Config;
    expect(config.thisDc).toBe(HOME_DC_ID);
    expect(config.dcOptions.map((dc) => [dc.id, dc.port])).toEqual(
      bed.server.dataCentres.map((dc) => [dc.id, dc.port]),
    );
    // Not logged in yet: everything else is 401 AUTH_KEY_UNREGISTERED, as Telegram answers.
    await expect(client.invoke(new Api.updates.GetState())).rejects.toMatchObject({
      code: 401,
      errorMessage: "AUTH_KEY_UNREGISTERED",
    });
    expect(await client.checkAuthorization()).toBe(false);
  });

  it("refuses the key exchange to a client that does not know the sandbox's key", async () => {
    untrust();
    try {
      const client = open();
      // gramjs gives up the exchange ("could not find a valid key for fingerprints") and reports no connection.
      expect(await client.connect()).toBe(false);
      expect(client.session.getAuthKey()?.getKey()).toBeUndefined();
    } finally {
      untrust = trustSandboxKey(bed.server.publicKey);
    }
  });

  it("logs in with phone and code; the key then works like an issued session's, in a new client too", async () => {
    const client = open();
    await client.connect();
    const sent = await sendCode(client, `+${PHONES.assistant.slice(0, 3)} ${PHONES.assistant.slice(3)}`);
    expect(sent.type).toBeInstanceOf(Api.auth.SentCodeTypeApp);
    const authorization = (await client.invoke(
      new Api.auth.SignIn({
        phoneNumber: PHONES.assistant,
        phoneCodeHash: sent.phoneCodeHash,
        phoneCode: lastCode(PHONES.assistant),
      }),
    )) as Api.auth.Authorization;
    expect((authorization.user as Api.User).id.toString()).toBe(String(DEMO.userbotId));
    expect(await client.checkAuthorization()).toBe(true);

    const saved = String(client.session.save());
    await client.destroy();
    const again = open({ session: saved });
    await again.connect();
    const me = await again.getMe();
    expect(me.id.toString()).toBe(String(DEMO.userbotId));
    const dialogs = (await again.invoke(
      new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), limit: 100 }),
    )) as Api.messages.Dialogs;
    expect(dialogs.chats.length).toBeGreaterThan(0);
  });

  it("refuses a malformed number, a wrong code and a replaced code with Telegram's errors", async () => {
    const client = open();
    await client.connect();
    await expect(sendCode(client, "12ab")).rejects.toMatchObject({ errorMessage: "PHONE_NUMBER_INVALID" });
    const first = await sendCode(client, PHONES.assistant);
    const wrong = lastCode(PHONES.assistant) === "00000" ? "11111" : "00000";
    await expect(
      client.invoke(
        new Api.auth.SignIn({
          phoneNumber: PHONES.assistant,
          phoneCodeHash: first.phoneCodeHash,
          phoneCode: wrong,
        }),
      ),
    ).rejects.toMatchObject({ errorMessage: "PHONE_CODE_INVALID" });
    const firstCode = lastCode(PHONES.assistant);
    await sendCode(client, PHONES.assistant);
    await expect(
      client.invoke(
        new Api.auth.SignIn({
          phoneNumber: PHONES.assistant,
          phoneCodeHash: first.phoneCodeHash,
          phoneCode: firstCode,
        }),
      ),
    ).rejects.toMatchObject({ errorMessage: "PHONE_CODE_EXPIRED" });
  });

  it("answers too many codes for one number with FLOOD_WAIT", async () => {
    const client = open();
    await client.connect();
    const phone = PHONES.withPassword;
    for (let i = 0; i < 3; i++) await sendCode(client, phone);
    const error = await sendCode(client, phone).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorMessage: "FLOOD" });
    expect((error as { seconds: number }).seconds).toBeGreaterThan(3000);
    bed.world.load(fixture()); // forget the flood for the next test
  });

  it("asks for the two-step password after the code and checks it with SRP", async () => {
    const client = open();
    await client.connect();
    const sent = await sendCode(client, PHONES.withPassword);
    await expect(
      client.invoke(
        new Api.auth.SignIn({
          phoneNumber: PHONES.withPassword,
          phoneCodeHash: sent.phoneCodeHash,
          phoneCode: lastCode(PHONES.withPassword),
        }),
      ),
    ).rejects.toMatchObject({ code: 401, errorMessage: "SESSION_PASSWORD_NEEDED" });

    const password = (await client.invoke(new Api.account.GetPassword())) as Api.account.Password;
    expect(password.hasPassword).toBe(true);
    expect(password.hint).toBe("horse");
    await expect(
      client.invoke(new Api.auth.CheckPassword({ password: await computeCheck(password, "wrong horse") })),
    ).rejects.toMatchObject({ errorMessage: "PASSWORD_HASH_INVALID" });
    expect(await client.checkAuthorization()).toBe(false);

    const fresh = (await client.invoke(new Api.account.GetPassword())) as Api.account.Password;
    const authorization = (await client.invoke(
      new Api.auth.CheckPassword({ password: await computeCheck(fresh, PASSWORD) }),
    )) as Api.auth.Authorization;
    expect((authorization.user as Api.User).id.toString()).toBe(String(DEMO.ownerId));
    expect((await client.getMe()).id.toString()).toBe(String(DEMO.ownerId));
  });

  it("sends a number that lives on data centre 4 there (PHONE_MIGRATE_4), and the login finishes on DC 4", async () => {
    const client = open();
    await client.connect();
    const sent = await sendCode(client, PHONES.onSecondDc); // gramjs follows PHONE_MIGRATE_4 by itself
    expect(client.session.dcId).toBe(SECOND_DC_ID);
    await client.invoke(
      new Api.auth.SignIn({
        phoneNumber: PHONES.onSecondDc,
        phoneCodeHash: sent.phoneCodeHash,
        phoneCode: lastCode(PHONES.onSecondDc),
      }),
    );
    expect((await client.getMe()).id.toString()).toBe("1002");
  });
});
