/**
 * The account-wide "Telegram told us to wait" state, in this process. BullMQ's queue rate
 * limit stops new jobs from being fetched during a FLOOD_WAIT; this gate stops the jobs that
 * were already running in other concurrency slots from sending anything meanwhile.
 */
export class FloodGate {
  private closedUntilMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Closes the gate for `seconds` from now (never shortens an existing wait). */
  close(seconds: number): void {
    this.closedUntilMs = Math.max(this.closedUntilMs, this.now() + seconds * 1000);
  }

  /** Whole seconds left to wait, 0 when requests may go out. */
  secondsLeft(): number {
    const left = this.closedUntilMs - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }
}

/**
 * Thrown instead of sending a request while the gate is closed. It looks like Telegram's own
 * flood error (code 420, seconds) so that one error path handles both.
 */
export class FloodGateClosedError extends Error {
  override readonly name = "FloodGateClosedError";
  readonly code = 420;
  readonly errorMessage = "FLOOD_WAIT";

  constructor(readonly seconds: number) {
    super(`Not sending: this account must wait ${seconds} s more (FLOOD_WAIT)`);
  }
}
