/** What the MTProto server does instead of (or before) answering a request. */
export type MtprotoFaultAction =
  | { kind: "error"; code: number; message: string }
  | { kind: "flood"; seconds: number }
  | { kind: "delay"; ms: number }
  | { kind: "hang" }
  /**
   * Held until the test calls release(gate), then carried out as usual: work that stays in
   * progress for exactly as long as a test needs, whatever the machine's load.
   */
  | { kind: "hold"; gate: string }
  | { kind: "drop" }
  /**
   * The request is carried out, then the client gets this error instead of the answer: what a
   * server-side timeout looks like (gramjs raises RPCError -503 "Timeout", gram-js/gramjs#716),
   * or a 500 after the work was done.
   */
  | { kind: "executed-then-error"; code: number; message: string }
  /** The request is carried out, then the connection closes before the answer is sent. */
  | { kind: "executed-then-drop" };

/** What the Bot API server does instead of (or before) answering a request. */
export type BotApiFaultAction =
  | { kind: "429"; retryAfter: number }
  | { kind: "5xx"; status?: number }
  | { kind: "slow"; ms: number };

export interface MtprotoFaultRule {
  /** TL method name as gramjs spells it in `className` with the namespace, e.g. "phone.createGroupCall", or "*". */
  method: string;
  /** Only for this userbot account (user id); every account when absent. */
  account?: number;
  action: MtprotoFaultAction;
  /** How many matching requests it applies to; forever when absent. */
  times?: number;
}

export interface BotApiFaultRule {
  /** Bot API method, e.g. "sendMessage"; every method when absent. */
  method?: string;
  action: BotApiFaultAction;
  times?: number;
}

interface Armed<R> {
  rule: R;
  remaining: number;
}

/**
 * Faults armed by tests (in-process or through the control API) and consumed by the two
 * protocol servers, one matching request at a time, oldest rule first.
 */
export class FaultInjector {
  private mtprotoRules: Armed<MtprotoFaultRule>[] = [];
  private botApiRules: Armed<BotApiFaultRule>[] = [];
  private readonly gates = new Map<string, { opened: Promise<void>; open: () => void }>();

  mtproto(rule: MtprotoFaultRule): void {
    this.mtprotoRules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  botApi(rule: BotApiFaultRule): void {
    this.botApiRules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.mtprotoRules = [];
    this.botApiRules = [];
    // Nothing stays held by a fault that no longer exists.
    for (const gate of [...this.gates.keys()]) this.release(gate);
  }

  /** Resolves when the gate of a "hold" fault is released (at once if it was released before). */
  held(gate: string): Promise<void> {
    return this.gateOf(gate).opened;
  }

  /** Lets every request held at this gate (and every later one) go on. */
  release(gate: string): void {
    this.gateOf(gate).open();
  }

  private gateOf(name: string): { opened: Promise<void>; open: () => void } {
    let gate = this.gates.get(name);
    if (!gate) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { opened, open };
      this.gates.set(name, gate);
    }
    return gate;
  }

  /** The fault for this MTProto request, if one is armed; using it counts one of its times. */
  takeMtproto(method: string, account: number | undefined): MtprotoFaultAction | undefined {
    return take(
      this.mtprotoRules,
      (r) => (r.method === "*" || r.method === method) && (r.account === undefined || r.account === account),
    )?.action;
  }

  /** The fault for this Bot API request, if one is armed. */
  takeBotApi(method: string): BotApiFaultAction | undefined {
    return take(this.botApiRules, (r) => r.method === undefined || r.method === method)?.action;
  }
}

function take<R>(rules: Armed<R>[], matches: (rule: R) => boolean): R | undefined {
  const index = rules.findIndex((armed) => armed.remaining > 0 && matches(armed.rule));
  if (index < 0) return undefined;
  const armed = rules[index]!;
  armed.remaining -= 1;
  if (armed.remaining <= 0) rules.splice(index, 1);
  return armed.rule;
}
