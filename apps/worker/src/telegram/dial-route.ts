import type { Api } from "telegram";
import { ConnectionTCPFull } from "telegram/network/index.js";

/** A `host:port` to dial instead of what gramjs would (TG_DC, parsed by the shared config). */
export interface DialTarget {
  host: string;
  port: number;
}

/**
 * Where each Telegram data centre is dialled when TG_DC is set. gramjs dials port 80 of the
 * address in the session (443 with WSS) and, after PHONE_MIGRATE_X, port 80 of the address
 * help.getConfig gives DC X. Test servers and the sandbox listen elsewhere, so:
 * - a data centre learnt from the server's config is dialled at the address and port the config gives;
 * - any other (the session's own DC, before anything is learnt) at TG_DC.
 */
export class DialRoute {
  private readonly learnt = new Map<number, DialTarget>();

  constructor(readonly start: DialTarget) {}

  targetFor(dcId: number): DialTarget {
    return this.learnt.get(dcId) ?? this.start;
  }

  /**
   * Takes the data centres from a help.getConfig answer received through `start`: the DC that
   * answered stays at `start` (the address TG_DC gave, which may be a tunnel), the others at the
   * address the config lists (IPv4, not media-only, not CDN).
   */
  learn(config: Api.Config): void {
    this.learnt.set(config.thisDc, this.start);
    for (const option of config.dcOptions) {
      if (option.ipv6 || option.mediaOnly || option.cdn || option.tcpoOnly) continue;
      if (option.id === config.thisDc || this.learnt.has(option.id)) continue;
      this.learnt.set(option.id, { host: option.ipAddress, port: option.port });
    }
  }
}

/** A gramjs connection class that dials what `route` says for the data centre it is made for. */
export function connectionRouted(route: DialRoute): typeof ConnectionTCPFull {
  return class RoutedConnection extends ConnectionTCPFull {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      const target = route.targetFor(params.dcId);
      super({ ...params, ip: target.host, port: target.port });
    }
  };
}
