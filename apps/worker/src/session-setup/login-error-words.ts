/**
 * What Telegram's login errors mean, in words a person at the terminal can act on
 * (names from core.telegram.org/method/auth.sendCode, auth.signIn, auth.checkPassword).
 * `retry` says whether the same question is asked again; otherwise `pnpm session` stops.
 */
export interface LoginErrorWords {
  text: string;
  retry: boolean;
}

export function loginErrorWords(error: unknown, now: Date = new Date()): LoginErrorWords {
  const name = (error as { errorMessage?: string }).errorMessage ?? "";
  const seconds = (error as { seconds?: number }).seconds;
  if (name === "FLOOD" && typeof seconds === "number") {
    const until = new Date(now.getTime() + seconds * 1000).toISOString().slice(0, 16).replace("T", " ");
    return {
      text: `Telegram asks to wait ${describeWait(seconds)} before trying again (too many attempts). Run pnpm session again after ${until} UTC.`,
      retry: false,
    };
  }
  switch (name) {
    case "PHONE_NUMBER_INVALID":
      return {
        text: "Telegram says that is not a valid phone number. Type it in international format with the country code, like +49 170 1234567.",
        retry: true,
      };
    case "PHONE_NUMBER_BANNED":
      return { text: "Telegram has banned this phone number: it cannot log in.", retry: false };
    case "PHONE_NUMBER_FLOOD":
      return {
        text: "Telegram has had too many login attempts for this number: wait a day, then try again.",
        retry: false,
      };
    case "PHONE_CODE_EMPTY":
      return { text: "Type the code Telegram sent (only the digits).", retry: true };
    case "PHONE_CODE_INVALID":
      return {
        text: "That is not the code Telegram sent. Look at the newest message from Telegram and type its code.",
        retry: true,
      };
    case "PHONE_CODE_EXPIRED":
      return { text: "That code has expired. Telegram is sending a new one.", retry: true };
    case "PASSWORD_HASH_INVALID":
      return { text: "That is not the account's two-step verification password. Try again.", retry: true };
    case "API_ID_INVALID":
    case "API_ID_PUBLISHED_FLOOD":
      return {
        text: "Telegram does not accept this TG_API_ID and TG_API_HASH: copy both again from https://my.telegram.org (API development tools).",
        retry: false,
      };
    default:
      return {
        text: `Telegram refused with an answer pnpm session does not know (${name || (error instanceof Error ? error.message : String(error))}).`,
        retry: false,
      };
  }
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}
