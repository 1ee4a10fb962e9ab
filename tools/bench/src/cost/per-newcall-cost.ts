import type { CountersSnapshot } from "@callbot/sandbox";

/** Telegram requests per /newcall, from the sandbox's counters over one phase. */
export interface PerNewCallCost {
  /** Every MTProto request, per /newcall. */
  mtproto: number;
  /** Bot API requests made for a /newcall (everything but getUpdates), per /newcall. */
  botApi: number;
  /** getUpdates calls per /newcall: long polling, shared by every update it returns. */
  getUpdates: number;
  /** botApi + getUpdates. */
  botApiWithPolling: number;
  /** Raw counts per method over the phase, for the reader who wants to see what was called. */
  methods: CountersSnapshot;
}

/** Divides a phase's counters by the /newcall requests that completed in it. */
export function perNewCallCost(counters: CountersSnapshot, completed: number): PerNewCallCost {
  const total = (table: Record<string, number>) => Object.values(table).reduce((sum, n) => sum + n, 0);
  const per = (n: number) => (completed === 0 ? 0 : Math.round((n / completed) * 1000) / 1000);
  const getUpdates = counters.botApi.getUpdates ?? 0;
  const botApiAll = total(counters.botApi);
  return {
    mtproto: per(total(counters.mtproto)),
    botApi: per(botApiAll - getUpdates),
    getUpdates: per(getUpdates),
    botApiWithPolling: per(botApiAll),
    methods: counters,
  };
}
