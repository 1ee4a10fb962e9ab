import { parseArgs } from "node:util";

/**
 * The measured phases, each on chats of its own:
 * - low: a trickle (2/s), where latency is the pipeline's own hops and nothing else;
 * - rate: a fixed offered rate (100/s) in private chats;
 * - max: as fast as the pipeline answers;
 * - public: the fixed rate in public chats (one more MTProto request: the invite link);
 * - soak: a steady rate for minutes over thousands of chats, sampling RSS every minute.
 */
export const PHASE_NAMES = ["low", "rate", "max", "public", "soak"] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** What one run of the benchmark does; the defaults take about 15 minutes on 2 cores (10 of them the soak). */
export interface BenchOptions {
  /** Which phases run, in the order of PHASE_NAMES whatever the order given. @defaultValue every phase */
  phases: PhaseName[];
  /** Offered rate of the low-load phase, requests per second. @defaultValue 2 */
  lowRate: number;
  /** /newcall requests at the low rate. @defaultValue 120 (a minute at 2/s) */
  lowRequests: number;
  /** How long the soak runs, minutes (fractions allowed, for tests). @defaultValue 10 */
  soakMinutes: number;
  /** Offered rate of the soak; each request goes to a chat of its own. @defaultValue 10 (6000 chats in 10 minutes) */
  soakRate: number;
  /** How often the soak samples RSS, seconds. @defaultValue 60 */
  soakSampleSeconds: number;
  /** /newcall requests at the fixed offered rate (phase a). @defaultValue 1000 */
  fixedRateRequests: number;
  /** Offered rate of phase a, requests per second. @defaultValue 100 */
  rate: number;
  /** /newcall requests at the maximum rate (phase b). @defaultValue 1000 */
  maxRateRequests: number;
  /** Phase b keeps at most this many requests between "sent" and "final edit". @defaultValue 200 */
  maxInFlight: number;
  /** /newcall requests in public chats (phase c, which also export an invite link). @defaultValue 100 */
  publicRequests: number;
  /** Chats per simulated owner; the bot allows 5 /newcall per user a minute, so at most 2. @defaultValue 2 */
  chatsPerOwner: number;
  /** Sequential bare Bot API sendMessage round trips for the baseline. @defaultValue 500 */
  botApiBaselineRequests: number;
  /** A request with no final edit this long after the phase's last send counts as lost. @defaultValue 30000 */
  settleTimeoutMs: number;
  /**
   * LOG_LEVEL of the bot and worker processes (info is the production default). Readiness is read
   * from their info lines ("bot started", "taking create-call jobs"), so nothing quieter. @defaultValue "info"
   */
  logLevel: "info" | "debug" | "trace";
  redisUrl: string;
  /** Writes V8 CPU profiles of the bot and the worker into this directory (node --cpu-prof). */
  profileDir?: string;
  /** Extra node flags for the bot and the worker, to try runtime settings (e.g. --max-semi-space-size=2). @defaultValue none */
  nodeFlags: string[];
  /** Seconds of no traffic, after start-up and before the first phase, to measure idle CPU (0 skips). @defaultValue 10 */
  idleSeconds: number;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  phases: [...PHASE_NAMES],
  lowRate: 2,
  lowRequests: 120,
  soakMinutes: 10,
  soakRate: 10,
  soakSampleSeconds: 60,
  fixedRateRequests: 1000,
  rate: 100,
  maxRateRequests: 1000,
  maxInFlight: 200,
  publicRequests: 100,
  chatsPerOwner: 2,
  botApiBaselineRequests: 500,
  settleTimeoutMs: 30_000,
  logLevel: "info",
  nodeFlags: [],
  idleSeconds: 10,
  redisUrl: "redis://127.0.0.1:6379",
};

export const USAGE = `pnpm bench [-- options]
  --phases LIST       which phases run, comma-separated: ${PHASE_NAMES.join(",")} (default all; or BENCH_PHASES)
                      low: ${DEFAULT_BENCH_OPTIONS.lowRate}/s; rate: the fixed rate; max: the maximum rate;
                      public: the fixed rate in public chats; soak: minutes at a steady rate, RSS every minute
  --low-rate R        offered rate of the low-load phase, per second (default ${DEFAULT_BENCH_OPTIONS.lowRate})
  --low-requests N    requests at the low rate (default ${DEFAULT_BENCH_OPTIONS.lowRequests})
  --soak-minutes M    how long the soak runs (default ${DEFAULT_BENCH_OPTIONS.soakMinutes})
  --soak-rate R       offered rate of the soak, one chat per request (default ${DEFAULT_BENCH_OPTIONS.soakRate})
  --soak-sample-s S   seconds between the soak's RSS samples (default ${DEFAULT_BENCH_OPTIONS.soakSampleSeconds})
  --requests N        /newcall requests at the maximum rate (default ${DEFAULT_BENCH_OPTIONS.maxRateRequests})
  --rate R            offered rate of the fixed-rate phase, per second (default ${DEFAULT_BENCH_OPTIONS.rate})
  --rate-requests N   requests at the fixed rate (default ${DEFAULT_BENCH_OPTIONS.fixedRateRequests})
  --public N          requests in public chats (default ${DEFAULT_BENCH_OPTIONS.publicRequests}; 0 skips)
  --in-flight N       bound on requests in flight at the maximum rate (default ${DEFAULT_BENCH_OPTIONS.maxInFlight})
  --log-level L       LOG_LEVEL of the bot and the worker: info, debug or trace (default ${DEFAULT_BENCH_OPTIONS.logLevel})
  --out DIR           where latest.json and latest.md go (default tools/bench/results)
  --profile DIR       write CPU profiles of the bot and the worker (.cpuprofile) into DIR
  --node-flags=F      extra node flags for the bot and the worker, e.g. --node-flags="--max-semi-space-size=2"
  --idle-s S          seconds with no traffic before the first phase, to measure idle CPU (default ${DEFAULT_BENCH_OPTIONS.idleSeconds}; 0 skips)
Redis: REDIS_URL (default redis://127.0.0.1:6379); every key lives under a fresh prefix, deleted afterwards.`;

/** Parses `pnpm bench` flags; unknown flags are an error, so a typo does not silently run the defaults. */
export function parseBenchArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { options: BenchOptions; outDir: string | undefined; help: boolean } {
  const { values } = parseArgs({
    // pnpm forwards the "--" separator itself.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      phases: { type: "string" },
      "low-rate": { type: "string" },
      "low-requests": { type: "string" },
      "soak-minutes": { type: "string" },
      "soak-rate": { type: "string" },
      "soak-sample-s": { type: "string" },
      requests: { type: "string" },
      rate: { type: "string" },
      "rate-requests": { type: "string" },
      public: { type: "string" },
      "in-flight": { type: "string" },
      "log-level": { type: "string" },
      out: { type: "string" },
      profile: { type: "string" },
      "node-flags": { type: "string" },
      "idle-s": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const d = DEFAULT_BENCH_OPTIONS;
  const options: BenchOptions = {
    ...d,
    phases: phaseList(values.phases ?? env.BENCH_PHASES, d.phases),
    lowRate: positive(values["low-rate"], "--low-rate", d.lowRate),
    lowRequests: count(values["low-requests"], "--low-requests", d.lowRequests),
    soakMinutes: positive(values["soak-minutes"], "--soak-minutes", d.soakMinutes),
    soakRate: positive(values["soak-rate"], "--soak-rate", d.soakRate),
    soakSampleSeconds: positive(values["soak-sample-s"], "--soak-sample-s", d.soakSampleSeconds),
    maxRateRequests: count(values.requests, "--requests", d.maxRateRequests),
    rate: count(values.rate, "--rate", d.rate, 1),
    fixedRateRequests: count(values["rate-requests"], "--rate-requests", d.fixedRateRequests),
    publicRequests: count(values.public, "--public", d.publicRequests),
    maxInFlight: count(values["in-flight"], "--in-flight", d.maxInFlight, 1),
    logLevel: logLevel(values["log-level"], d.logLevel),
    redisUrl: env.REDIS_URL?.trim() || d.redisUrl,
    idleSeconds: count(values["idle-s"], "--idle-s", d.idleSeconds),
    nodeFlags: values["node-flags"]?.split(/\s+/).filter((flag) => flag !== "") ?? d.nodeFlags,
    ...(values.profile !== undefined && { profileDir: values.profile }),
  };
  return { options, outDir: values.out, help: values.help === true };
}

function count(raw: string | undefined, flag: string, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${flag} wants a whole number >= ${min}, got "${raw}"`);
  return value;
}

function positive(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} wants a number > 0, got "${raw}"`);
  return value;
}

/** "low,soak" -> ["low", "soak"], in the order the phases run; an unknown name is an error. */
function phaseList(raw: string | undefined, fallback: PhaseName[]): PhaseName[] {
  if (raw === undefined || raw.trim() === "") return fallback;
  const asked = raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = asked.filter((name) => !(PHASE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `--phases knows ${PHASE_NAMES.join(", ")}; not ${unknown.map((u) => `"${u}"`).join(", ")}`,
    );
  return PHASE_NAMES.filter((name) => asked.includes(name));
}

function logLevel(raw: string | undefined, fallback: BenchOptions["logLevel"]): BenchOptions["logLevel"] {
  if (raw === undefined) return fallback;
  if (raw === "info" || raw === "debug" || raw === "trace") return raw;
  throw new Error(`--log-level wants info, debug or trace (readiness is read from info lines), got "${raw}"`);
}
