import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/** Checklist line 29: the results of one request reach the bot out of order. */
const { start } = pipelinePerTest();
let p: Pipeline;

describe("29: results arrive out of order", () => {
  it("a 'wait' notice whose edit lands after the final report is ready never replaces it: the final report stays the message's last version", async () => {
    p = await start();
    // Telegram makes the account wait 2 s: the worker publishes a "⏳ wait" notice, then the final report.
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 2 },
      times: 1,
    });
    // The notice's edit (the first edit of the "queued" answer) is held by the Bot API for 5 s,
    // so the final report is ready (after about 2 s) while the notice is still on its way.
    p.sandbox.faults.botApi({ method: "editMessageText", action: { kind: "slow", ms: 5_000 }, times: 1 });

    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Standup");
    const message = () => p.sandbox.world.messages(WHO.community).find((m) => m.id === reply.id);
    // Both versions have reached the message, in whichever order.
    const versions = await waitFor(
      () => {
        const current = message();
        const all = current ? [...current.editHistory, current.text ?? ""] : [];
        return all.some((t) => t.startsWith("⏳ Telegram asked")) && all.some((t) => t.startsWith("✅"))
          ? all
          : undefined;
      },
      "the wait notice and the final report",
      20_000,
    );

    expect(versions.at(-1)).toMatch(/^✅ Video chat “Standup” is live now in «Demo Community»\./);
    expect(p.sandbox.calls(WHO.community).map((c) => c.state)).toEqual(["active"]);
  });
});
