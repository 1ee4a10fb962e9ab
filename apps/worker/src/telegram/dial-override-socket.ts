import { PromisedNetSockets } from "telegram/extensions/index.js";

/** A `host:port` the worker dials instead of the address in the session (TG_DC, parsed by the shared config). */
export interface DialTarget {
  host: string;
  port: number;
}

/**
 * gramjs dials port 80 (443 with WSS) whatever port the session names, and takes the host
 * from the session. Its only hook for choosing where to connect is the `networkSocket` class,
 * so this returns a PromisedNetSockets subclass that ignores what gramjs asks for and dials
 * the override.
 */
export function socketDialing(target: DialTarget): typeof PromisedNetSockets {
  return class DialOverrideSocket extends PromisedNetSockets {
    override connect(_port: number, _ip: string): Promise<unknown> {
      return super.connect(target.port, target.host);
    }
  };
}
