import { createPublicKey } from "node:crypto";
import { TelegramClient } from "telegram";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { ConnectionTCPFull } from "telegram/network/index.js";
import { StringSession } from "telegram/sessions/index.js";
import type { DataCentre } from "../../src/mtproto/data-centres.ts";
import { rsaFingerprint } from "../../src/mtproto/handshake/server-rsa-key.ts";

/** Adds the sandbox's RSA key to gramjs's table of server keys, as TG_DC_PUBLIC_KEY does for the worker. */
export function trustSandboxKey(pem: string): () => void {
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  const n = Buffer.from(jwk.n ?? "", "base64url");
  const e = Buffer.from(jwk.e ?? "", "base64url");
  const fingerprint = rsaFingerprint(n, e).toString();
  _serverKeys.set(fingerprint, {
    n: returnBigInt(BigInt(`0x${n.toString("hex")}`).toString()),
    e: Number.parseInt(e.toString("hex"), 16),
  });
  return () => _serverKeys.delete(fingerprint);
}

/**
 * A connection class that dials each data centre at the port the sandbox gives it (gramjs
 * dials port 80, and after PHONE_MIGRATE the address of the new DC from help.getConfig).
 */
function connectionByDc(dataCentres: readonly DataCentre[]): typeof ConnectionTCPFull {
  return class SandboxDcConnection extends ConnectionTCPFull {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      const dc = dataCentres.find((candidate) => candidate.id === params.dcId);
      super(dc ? { ...params, ip: dc.host, port: dc.port } : params);
    }
  };
}

/** A gramjs client without an auth key, pointed at data centre `startDc`; connect() runs the key exchange. */
export function loginClient(
  dataCentres: readonly DataCentre[],
  apiId: number,
  opts: { session?: string; startDc?: number } = {},
): TelegramClient {
  const session = new StringSession(opts.session ?? "");
  if (!opts.session) {
    const start = dataCentres.find((dc) => dc.id === (opts.startDc ?? 2));
    if (!start) throw new Error("no such data centre");
    // gramjs saves the port as a signed int16 and dials by DC id here anyway: store 443, as it does.
    session.setDC(start.id, start.host, 443);
  }
  return new TelegramClient(session, apiId, "sandbox", {
    connection: connectionByDc(dataCentres),
    connectionRetries: 1,
    requestRetries: 2,
    retryDelay: 50,
    autoReconnect: false,
    floodSleepThreshold: 0,
    baseLogger: new Logger(LogLevel.NONE),
  });
}
