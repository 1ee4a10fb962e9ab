import { TelegramRpcError } from "../world/types.ts";

/** An answer `{ ok: false, error_code, description, parameters? }`, as Telegram's Bot API gives it. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "BotApiError";
  }

  toJSON(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters && { parameters: this.parameters }),
    };
  }
}

export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}

export function forbidden(reason: string): BotApiError {
  return new BotApiError(403, `Forbidden: ${reason}`);
}

export function tooManyRequests(retryAfter: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

/** The Bot API passes most MTProto errors through as "Bad Request: <NAME>". */
export function fromRpcError(error: TelegramRpcError): BotApiError {
  return new BotApiError(
    error.code,
    `${error.code === 403 ? "Forbidden" : "Bad Request"}: ${error.errorMessage}`,
  );
}

export function toBotApiError(error: unknown): BotApiError | undefined {
  if (error instanceof BotApiError) return error;
  if (error instanceof TelegramRpcError) return fromRpcError(error);
  return undefined;
}
