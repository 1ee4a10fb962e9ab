import type { BotConfig } from "@callbot/shared";
import type { CheckResult } from "./check-result.ts";

const DEFAULT_API_ROOT = "https://api.telegram.org";

interface BotApiReply<T> {
  ok: boolean;
  result?: T;
  description?: string;
}

interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/**
 * The bot token (getMe) and the webhook as Telegram sees it (getWebhookInfo). The token is only
 * ever part of the request URL: it is scrubbed from anything printed.
 */
export async function checkBotApi(config: BotConfig): Promise<CheckResult[]> {
  const call = <T>(method: string) => callBotApi<T>(config, method);
  const me = await call<{ username?: string; id: number }>("getMe");
  if (!me.ok) {
    return [
      {
        status: "fail",
        name: "bot token",
        detail: `getMe refused it (${me.description ?? "no reason given"}): copy the token from @BotFather into BOT_TOKEN`,
      },
    ];
  }
  const results: CheckResult[] = [
    { status: "ok", name: "bot token", detail: `@${me.result?.username ?? "?"} (id ${me.result?.id})` },
  ];
  const webhook = await call<WebhookInfo>("getWebhookInfo");
  if (!webhook.ok || webhook.result === undefined) {
    results.push({
      status: "fail",
      name: "webhook",
      detail: `getWebhookInfo failed: ${webhook.description}`,
    });
    return results;
  }
  results.push(describeWebhook(config, webhook.result));
  return results;
}

function describeWebhook(config: BotConfig, info: WebhookInfo): CheckResult {
  const pending = `${info.pending_update_count} pending update(s)`;
  const lastError =
    info.last_error_message === undefined
      ? ""
      : `; last error${info.last_error_date ? ` at ${new Date(info.last_error_date * 1000).toISOString()}` : ""}: ${info.last_error_message}`;
  const expected = config.webhook?.url;
  if (expected === undefined) {
    // Long polling: Telegram refuses getUpdates while a webhook is set.
    return info.url === ""
      ? { status: "ok", name: "webhook", detail: `none (long polling), ${pending}` }
      : {
          status: "fail",
          name: "webhook",
          detail: `Telegram has a webhook set (${info.url}) but WEBHOOK_URL is not: long polling would be refused. Set WEBHOOK_URL, or remove the webhook (deleteWebhook)`,
        };
  }
  if (info.url !== "" && info.url !== expected) {
    return {
      status: "fail",
      name: "webhook",
      detail: `Telegram delivers to ${info.url}, WEBHOOK_URL says ${expected}: the bot sets its own URL when it starts, make sure no other deployment uses this token`,
    };
  }
  const where = info.url === "" ? `not set yet (the bot sets ${expected} when it starts)` : info.url;
  return {
    status: info.last_error_message === undefined ? "ok" : "warn",
    name: "webhook",
    detail: `${where}, ${pending}${lastError}`,
  };
}

async function callBotApi<T>(config: BotConfig, method: string): Promise<BotApiReply<T>> {
  const root = (config.botApiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, "");
  try {
    const response = await fetch(`${root}/bot${config.botToken}/${method}`, {
      method: "POST",
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.json()) as BotApiReply<T>;
  } catch (error) {
    const reason = String((error as Error).cause ?? (error as Error).message).replaceAll(
      config.botToken,
      "[redacted]",
    );
    return { ok: false, description: `cannot reach ${root}: ${reason}` };
  }
}
