/**
 * Flood waits, as Telegram gives them: per method. A FLOOD_WAIT on contacts.resolveUsername or
 * messages.getDialogs (the usual sources, with waits of hundreds to thousands of seconds) says
 * nothing about createGroupCall, so a wait is held for the method that got it, and only requests
 * of that method are held back. A wait on a method that creates calls (or one whose method is
 * unknown) is held for the whole account: the worker's work is creating calls.
 *
 * BullMQ's queue rate limit stops new jobs from being fetched during an account-wide wait; this
 * gate stops the jobs already running in other concurrency slots from sending meanwhile.
 */
export class FloodGate {
  /** Method (gramjs className, e.g. "contacts.ResolveUsername") or ACCOUNT_WIDE -> wait end (ms). */
  private closedUntilMs = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Closes the gate for `method` (the whole account when absent) for `seconds` from now; never shortens a wait. */
  close(seconds: number, method: string = ACCOUNT_WIDE): void {
    const until = this.now() + seconds * 1000;
    this.closedUntilMs.set(method, Math.max(this.closedUntilMs.get(method) ?? 0, until));
  }

  /**
   * Whole seconds to wait before `method` may be sent (the longer of its own wait and the
   * account's), 0 when it may go out. Without a method: the account-wide wait alone.
   */
  secondsLeft(method?: string): number {
    const ends = Math.max(
      this.closedUntilMs.get(ACCOUNT_WIDE) ?? 0,
      method === undefined ? 0 : (this.closedUntilMs.get(method) ?? 0),
    );
    const left = ends - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }
}

export const ACCOUNT_WIDE = "*";

/** Methods whose flood wait holds the whole account's work (gramjs className). */
const ACCOUNT_WIDE_METHODS = new Set(["phone.CreateGroupCall"]);

/** Where a flood wait on `method` is held: the method itself, or the whole account. */
export function floodScopeOf(method: string | undefined): string {
  return method === undefined || ACCOUNT_WIDE_METHODS.has(method) ? ACCOUNT_WIDE : method;
}

/**
 * A flood wait, from Telegram's answer or from a gate still closed. It looks like Telegram's own
 * flood error (code 420, seconds) so that one error path handles both, and names where the wait
 * is held: `scope` is the method, or ACCOUNT_WIDE.
 */
export class FloodGateClosedError extends Error {
  override readonly name = "FloodGateClosedError";
  readonly code = 420;
  readonly errorMessage = "FLOOD_WAIT";

  constructor(
    readonly seconds: number,
    readonly scope: string = ACCOUNT_WIDE,
    /** True when Telegram itself just answered FLOOD_WAIT (the request was sent); false when the gate held it back. */
    readonly answeredByTelegram = false,
  ) {
    super(
      `Not sending: this account must wait ${seconds} s more (FLOOD_WAIT${scope === ACCOUNT_WIDE ? "" : ` on ${scope}`})`,
    );
  }
}
