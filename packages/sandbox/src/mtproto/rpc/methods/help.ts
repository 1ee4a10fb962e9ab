import { Api } from "telegram";
import type { AccountlessContext, AccountlessHandler } from "../request-context.ts";

/**
 * A complete Config: gramjs's connect() waits for it, and a client that follows dcOptions must
 * land on the sandbox again. Limits are the values Telegram's production config carries.
 */
export function sandboxConfig(ctx: Pick<AccountlessContext, "now" | "dc" | "dataCentres">): Api.Config {
  const nowSeconds = Math.floor(ctx.now / 1000);
  return new Api.Config({
    date: nowSeconds,
    expires: nowSeconds + 3600,
    testMode: false,
    thisDc: ctx.dc.id,
    dcOptions: ctx.dataCentres.map(
      (dc) => new Api.DcOption({ id: dc.id, ipAddress: dc.host, port: dc.port }),
    ),
    dcTxtDomainName: "sandbox.invalid",
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: "https://t.me/",
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: ctx.dc.id,
  });
}

/** Callable before login: a client reads the config before it has an account. */
export const helpMethods: Record<string, AccountlessHandler> = {
  "help.getConfig": (ctx) => sandboxConfig(ctx),
};
