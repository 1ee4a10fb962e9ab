import { ABRIDGED_TAG, createAbridgedTransport } from "./abridged.ts";
import { createFullTransport } from "./full.ts";
import { createIntermediateTransport, INTERMEDIATE_TAG } from "./intermediate.ts";
import type { Transport } from "./transport.ts";

/**
 * Picks the transport from the first bytes a client sends: 0xef (abridged), 0xeeeeeeee
 * (intermediate), otherwise the untagged "full" transport, whose first 4 bytes are a frame
 * length. Returns undefined until enough bytes have arrived to tell; `tagLength` bytes of
 * tag are to be skipped before the first frame.
 */
export function detectTransport(head: Buffer): { transport: Transport; tagLength: number } | undefined {
  if (head.length >= 1 && head[0] === ABRIDGED_TAG) {
    return { transport: createAbridgedTransport(), tagLength: 1 };
  }
  if (head.length < 4) return undefined;
  if (head.subarray(0, 4).equals(INTERMEDIATE_TAG)) {
    return { transport: createIntermediateTransport(), tagLength: 4 };
  }
  return { transport: createFullTransport(), tagLength: 0 };
}
