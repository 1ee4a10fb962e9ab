/**
 * Server msg_ids: unix time in the upper 32 bits, a sub-second fraction below, and the low
 * two bits 01 for answers to a client message or 11 for messages the server starts (pushed
 * updates), as MTProto requires. Strictly increasing per connection.
 */
export class ServerMessageIds {
  private last = 0n;

  next(kind: "response" | "push"): bigint {
    const nowMs = Date.now();
    const seconds = BigInt(Math.floor(nowMs / 1000));
    const fraction = (BigInt(nowMs % 1000) << 32n) / 1000n;
    const residue = kind === "response" ? 1n : 3n;
    let id = (seconds << 32n) | (fraction & ~3n) | residue;
    if (id <= this.last) id = (this.last & ~3n) + 4n + residue;
    this.last = id;
    return id;
  }
}
