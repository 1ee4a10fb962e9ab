import { performance } from "node:perf_hooks";
import type { Sandbox } from "@callbot/sandbox";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { type LatencySummary, summariseLatencies } from "../stats/latency-summary.ts";
import { connectGramjs } from "./connect-gramjs.ts";

export interface DirectCallsBaseline {
  calls: number;
  /** One createGroupCall round trip, one at a time. */
  roundTripMs: LatencySummary | undefined;
  /** Sequential calls per second (the floor of what one account's client does without a pipeline). */
  sequentialPerSecond: number;
}

/**
 * The cost of the bare Telegram part: phone.createGroupCall sent one after another from one gramjs
 * client (its own account, the access hashes already known), each into a chat without a call.
 */
export async function measureDirectCreateGroupCall(
  sandbox: Sandbox,
  session: string,
  nativeChatIds: readonly number[],
): Promise<DirectCallsBaseline> {
  const client = await connectGramjs({
    session,
    host: sandbox.info.mtproto.host,
    port: sandbox.info.mtproto.port,
    apiId: sandbox.info.apiId,
    apiHash: sandbox.info.apiHash,
  });
  try {
    // Access hashes are per account: take the ones the sandbox gave this session's account.
    const accountId = Number((await client.getMe()).id);
    const peers = nativeChatIds.map((id) => {
      if (!sandbox.world.getChat(id)) throw new Error(`chat ${id} is not in the bench world`);
      return new Api.InputPeerChannel({
        channelId: returnBigInt(id),
        accessHash: returnBigInt(sandbox.world.accessHash("chat", id, accountId)),
      });
    });
    const latencies: number[] = [];
    const start = performance.now();
    for (const [i, peer] of peers.entries()) {
      const sentAt = performance.now();
      await client.invoke(new Api.phone.CreateGroupCall({ peer, randomId: 1_000_000 + i }));
      latencies.push(performance.now() - sentAt);
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      calls: peers.length,
      roundTripMs: summariseLatencies(latencies),
      sequentialPerSecond: seconds > 0 ? Math.round((peers.length / seconds) * 10) / 10 : 0,
    };
  } finally {
    await client.destroy();
  }
}
