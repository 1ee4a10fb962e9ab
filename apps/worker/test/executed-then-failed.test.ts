import { type MtprotoFaultAction, RANDOM_ID_RETRY_VALUES } from "@callbot/sandbox";
import { DEMO, DEMO_CHATS } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { nativeId } from "./support/call-actions.ts";
import { harnessPerTest } from "./support/worker-harness.ts";

const COMMUNITY = nativeId(DEMO.community);

/** Telegram carries the create out, then the worker hears an error or nothing (checklist 26). */
const EXECUTED_THEN_FAILED: Array<[string, MtprotoFaultAction]> = [
  ["-503 Timeout", { kind: "executed-then-error", code: -503, message: "Timeout" }],
  ["500 INTERNAL", { kind: "executed-then-error", code: 500, message: "INTERNAL" }],
  ["the answer lost with the connection", { kind: "executed-then-drop" }],
];

describe.each(RANDOM_ID_RETRY_VALUES)(
  "26: a create carried out, then failed (randomIdRetry: %s)",
  (randomIdRetry) => {
    const h = harnessPerTest({
      prepare: (h) => h.sandbox.world.configure({ randomIdRetry }),
      worker: { invokeTimeoutMs: 1_500 },
    });

    it.each(EXECUTED_THEN_FAILED)(
      "%s: reported once as created, never failed; one call, still live",
      async (_, action) => {
        h.sandbox.faults.mtproto({ method: "phone.createGroupCall", action, times: 1 });
        const request = h.request({ target: DEMO_CHATS.community, title: "Carried out" });
        await h.addJob(request, { backoff: { type: "fixed", delay: 500 } });

        const result = await h.finalResult(request.requestId, 20_000);
        expect(result.outcome).toMatchObject({ status: "created", call: { title: "Carried out" } });
        // The call reported is the chat's live call. Every call the chat had is this request's own:
        // under "new-call", gramjs's automatic re-send after the reconnect (same random_id) can
        // replace the call the first send made, seconds old; nobody else's call is ended.
        const live = h.sandbox.world.currentCall(COMMUNITY);
        expect(live?.state).toBe("active");
        expect(result.outcome.status === "created" && result.outcome.call.id).toBe(live!.id);
        expect(h.sandbox.world.callsOf(COMMUNITY).every((c) => c.title === "Carried out")).toBe(true);
        const reports = (await h.resultsFor(request.requestId)).filter((r) => r.outcome.status !== "delayed");
        expect(reports.map((r) => r.outcome.status)).toEqual(["created"]);
      },
    );
  },
);
