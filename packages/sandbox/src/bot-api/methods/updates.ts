import type { BotApiMethod } from "../bot-api-context.ts";
import { BotApiError, badRequest } from "../bot-api-error.ts";
import { WebhookDelivery } from "../webhook-delivery.ts";

/** Telegram caps a long poll's timeout; clients use 30 s or less. */
const MAX_POLL_TIMEOUT_SECONDS = 50;

export const getUpdates: BotApiMethod = async (state, { params, signal }) => {
  if (state.webhook) {
    throw new BotApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const { updates } = state;
  // Any getUpdates ends the one being held, like Telegram (the older request gets the 409).
  updates.terminateHeldPoll();
  const offset = params.optInt("offset");
  const limit = Math.min(Math.max(params.optInt("limit") ?? 100, 1), 100);
  const timeout = Math.min(Math.max(params.optInt("timeout") ?? 0, 0), MAX_POLL_TIMEOUT_SECONDS);
  updates.setAllowedUpdates(params.optJson<string[]>("allowed_updates"));
  if (offset !== undefined && offset !== 0) updates.confirm(offset);
  if (updates.peek(limit).length === 0 && timeout > 0) await updates.hold(timeout * 1000, signal);
  return updates.peek(limit);
};

export const setWebhook: BotApiMethod = async (state, { params }) => {
  const url = params.optString("url") ?? "";
  if (url === "") return deleteWebhookNow(state, params.optBool("drop_pending_updates") === true);
  // Telegram demands HTTPS on 443/80/88/8443; the sandbox accepts plain HTTP on any port so that
  // a local bot can receive webhooks without certificates.
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
  const secretToken = params.optString("secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest("secret token contains unallowed characters");
  }
  await state.webhook?.stop();
  if (params.optBool("drop_pending_updates")) state.updates.dropAll();
  state.updates.setAllowedUpdates(params.optJson<string[]>("allowed_updates"));
  state.updates.terminateHeldPoll();
  state.webhook = new WebhookDelivery(
    { url, ...(secretToken && { secretToken }), maxConnections: params.optInt("max_connections") ?? 40 },
    state.updates,
    state.webhookRetry,
  );
  return true;
};

export const deleteWebhook: BotApiMethod = (state, { params }) =>
  deleteWebhookNow(state, params.optBool("drop_pending_updates") === true);

async function deleteWebhookNow(state: Parameters<BotApiMethod>[0], dropPending: boolean): Promise<true> {
  const webhook = state.webhook;
  state.webhook = undefined;
  await webhook?.stop();
  if (dropPending) state.updates.dropAll();
  return true;
}

export const getWebhookInfo: BotApiMethod = ({ webhook, updates }) => {
  const lastError = webhook?.lastErrorInfo;
  return {
    url: webhook?.settings.url ?? "",
    has_custom_certificate: false,
    pending_update_count: updates.pendingCount,
    ...(webhook && { max_connections: webhook.settings.maxConnections, ip_address: "127.0.0.1" }),
    ...(lastError && { last_error_date: lastError.date, last_error_message: lastError.message }),
  };
};
