import { Api, type TelegramClient } from "telegram";
import { computeCheck } from "telegram/Password.js";
import { loginErrorWords } from "./login-error-words.ts";
import type { TerminalPrompts } from "./terminal-prompts.ts";

/** The login cannot go on (no account, banned, a long flood wait); the reason was said. */
export class LoginStopped extends Error {
  override name = "LoginStopped";
}

const errorName = (error: unknown) => (error as { errorMessage?: string }).errorMessage;

/**
 * Logs `client` in as a person would in a Telegram app (core.telegram.org/api/auth): the phone
 * number, the code Telegram sends, then the two-step password if the account has one. Each
 * wrong answer is explained and asked again; the password is never shown. gramjs itself
 * follows PHONE_MIGRATE_X to the account's data centre.
 */
export async function logInByPhone(
  client: TelegramClient,
  prompts: TerminalPrompts,
  app: { apiId: number; apiHash: string },
): Promise<Api.User> {
  const refuse = (error: unknown): void => {
    const words = loginErrorWords(error);
    prompts.say(words.text);
    if (!words.retry) throw new LoginStopped(words.text);
  };
  const sendCode = async (phoneNumber: string) =>
    (await client.invoke(
      new Api.auth.SendCode({ phoneNumber, ...app, settings: new Api.CodeSettings({}) }),
    )) as Api.auth.SentCode;

  let phone = "";
  let sent: Api.auth.SentCode | undefined;
  while (!sent) {
    phone = await prompts.ask(
      "Phone number of the assistant account, with the country code (like +49 170 1234567): ",
    );
    try {
      sent = await sendCode(phone);
    } catch (error) {
      refuse(error);
    }
  }

  for (;;) {
    const code = await prompts.ask(
      sent.type instanceof Api.auth.SentCodeTypeApp
        ? "The login code Telegram sent to the account's Telegram app: "
        : "The login code Telegram sent to that number: ",
    );
    try {
      const authorization = await client.invoke(
        new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }),
      );
      if (authorization instanceof Api.auth.AuthorizationSignUpRequired) {
        const text =
          "This number has no Telegram account. Sign up in a Telegram app first, then run pnpm session again.";
        prompts.say(text);
        throw new LoginStopped(text);
      }
      return (authorization as Api.auth.Authorization).user as Api.User;
    } catch (error) {
      if (errorName(error) === "SESSION_PASSWORD_NEEDED") break;
      if (error instanceof LoginStopped) throw error;
      refuse(error);
      if (errorName(error) === "PHONE_CODE_EXPIRED") {
        try {
          sent = await sendCode(phone);
        } catch (resendError) {
          refuse(resendError);
        }
      }
    }
  }

  for (;;) {
    const password = (await client.invoke(new Api.account.GetPassword())) as Api.account.Password;
    const hint = password.hint ? ` (hint: ${password.hint})` : "";
    const typed = await prompts.askSecret(
      `Two-step verification password of the account${hint}; it is not shown as you type: `,
    );
    try {
      const authorization = (await client.invoke(
        new Api.auth.CheckPassword({ password: await computeCheck(password, typed) }),
      )) as Api.auth.Authorization;
      return authorization.user as Api.User;
    } catch (error) {
      refuse(error);
    }
  }
}
