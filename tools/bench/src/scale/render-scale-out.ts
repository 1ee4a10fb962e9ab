import type { ScaleOutResult } from "./run-scale-out.ts";

/** The scale-out results as the Markdown table checked in beside the JSON. */
export function renderScaleOut(result: ScaleOutResult): string {
  const { options, runs, failover } = result;
  const lines = [
    `# Scale-out: worker accounts (${result.startedAt})`,
    "",
    `${options.chats} chats, one create-call request each, queued at once on the shared intake; the sandbox adds ${options.rttMs} ms to every MTProto request (Telegram's round trip). Each worker is a separate process (its production bundle) with its own assistant account, eligible in every chat. Load average (1 min) is given per run: above 2 the 2-core machine was busy.`,
    "",
    "| accounts | requests | seconds | requests/s | vs one account | per account (calls, calls/s) | load before → after |",
    "| -------- | -------- | ------- | ---------- | -------------- | ---------------------------- | ------------------- |",
    ...runs.map(
      (r) =>
        `| ${r.accounts} | ${r.requests} | ${r.seconds} | ${r.perSecond} | ${r.ratio}x | ${r.perAccount
          .map((a) => `${a.accountId}: ${a.calls}, ${a.perSecond}/s`)
          .join("; ")} | ${r.loadAvg.before} → ${r.loadAvg.after} |`,
    ),
    "",
    "## An account dies",
    "",
    `Two accounts, ${failover.requests} requests queued; account ${failover.killedAccount} killed (SIGKILL) holding ${failover.heldAtKill} of them (waiting and running). Its registration lapses after three missed heartbeats (30 s), and the next sweep of the survivor (every 10 s) moves its work.`,
    "",
    "| kill → lapsed | kill → its queue emptied (work moved) | kill → every request answered | requests with a second call |",
    "| ------------- | ------------------------------------- | ----------------------------- | --------------------------- |",
    `| ${(failover.lapsedAfterMs / 1000).toFixed(1)} s | ${(failover.movedAfterMs / 1000).toFixed(1)} s | ${(failover.allAnsweredAfterMs / 1000).toFixed(1)} s | ${failover.secondCalls} |`,
    "",
  ];
  return lines.join("\n");
}
