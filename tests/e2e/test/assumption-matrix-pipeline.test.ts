import { RANDOM_ID_RETRY_VALUES, SCHEDULED_CALL_EXPIRY_VALUES } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/*
 * The product under every answer Telegram might give where it documents none (the sandbox's
 * fidelity ledger): randomIdRetry x scheduledCallExpiry. Whatever the answer, a user's call is
 * reported once, exactly as it is in Telegram, and no call is ended that nobody chose to end.
 */
const COMMUNITY = 1500000001;
const combinations = RANDOM_ID_RETRY_VALUES.flatMap((randomIdRetry) =>
  SCHEDULED_CALL_EXPIRY_VALUES.map((scheduledCallExpiry) => ({ randomIdRetry, scheduledCallExpiry })),
);

describe.each(combinations)(
  "randomIdRetry: $randomIdRetry, scheduledCallExpiry: $scheduledCallExpiry",
  ({ randomIdRetry, scheduledCallExpiry }) => {
    let p: Pipeline;
    afterEach(async () => {
      await p.close();
    });

    it("a create whose answer comes after the worker's timeout is reported once as live, and stays live", async () => {
      p = await startPipeline({
        settings: { randomIdRetry, scheduledCallExpiry, scheduledCallExpirySeconds: 600 },
        worker: { invokeTimeoutMs: 1_000 },
      });
      // Telegram carries the create out 2.5 s late: after the worker stopped waiting for it.
      p.sandbox.faults.mtproto({
        method: "phone.createGroupCall",
        action: { kind: "delay", ms: 2_500 },
        times: 1,
      });
      const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Late");
      const text = await p.outcome(reply, /live now|could not/, 20_000);
      expect(text).toMatch(/“Late” is live now/);
      expect(p.sandbox.calls(DEMO.community).map((c) => c.state)).toEqual(["active"]);
      const edits = p.sandbox.world.getMessage(DEMO.community, reply.id)!.editHistory;
      expect(edits).toHaveLength(1); // queued -> live, nothing in between
    }, 40_000);

    it("a scheduled call nobody started, past its date: named and kept, or gone because Telegram ended it", async () => {
      p = await startPipeline({
        settings: { randomIdRetry, scheduledCallExpiry, scheduledCallExpirySeconds: 600 },
      });
      const anHourAgo = Date.now() - 3_600_000;
      const stale = p.sandbox.world.createGroupCall(
        DEMO.olga,
        COMMUNITY,
        { randomId: 1, title: "Forgotten", scheduleDate: Math.floor(anHourAgo / 1000) + 60, rtmp: false },
        anHourAgo,
      );
      const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Fresh");
      const text = await p.outcome(reply, /already has|live now/);
      if (scheduledCallExpiry === "kept") {
        expect(text).toMatch(/already has a video chat “Forgotten” scheduled for/);
        expect(stale.state).toBe("scheduled");
      } else {
        expect(text).toMatch(/“Fresh” is live now/);
        expect(stale).toMatchObject({ state: "discarded", duration: 0 });
      }
      expect(p.sandbox.counters().mtproto["phone.discardGroupCall"]).toBeUndefined();
    });
  },
);
