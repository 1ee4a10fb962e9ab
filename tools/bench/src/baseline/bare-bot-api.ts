import { performance } from "node:perf_hooks";
import type { Sandbox } from "@callbot/sandbox";
import { type LatencySummary, summariseLatencies } from "../stats/latency-summary.ts";

export interface BareBotApiBaseline {
  requests: number;
  /** One sendMessage over HTTP (keep-alive, as grammY's client does), one at a time. */
  roundTripMs: LatencySummary | undefined;
}

/** The cost of the bare Bot API: sendMessage with fetch, one after another, into one chat. */
export async function measureBareBotApi(
  sandbox: Sandbox,
  chatId: number,
  requests: number,
): Promise<BareBotApiBaseline> {
  const url = `${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/sendMessage`;
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) {
    const sentAt = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chatId, text: `baseline ${i}` }),
    });
    const body = (await response.json()) as { ok: boolean; description?: string };
    if (!body.ok) throw new Error(`sendMessage failed in the Bot API baseline: ${body.description}`);
    latencies.push(performance.now() - sentAt);
  }
  return { requests, roundTripMs: summariseLatencies(latencies) };
}
