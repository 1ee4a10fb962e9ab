import { afterEach, describe, expect, it } from "vitest";
import { launch, withoutCredentials } from "./support/launch.ts";

describe("pnpm start without Telegram credentials", () => {
  let demo: ReturnType<typeof launch> | undefined;
  afterEach(() => {
    demo?.child.kill("SIGKILL");
  });

  it("runs the sandbox, bot and worker: a typed /newcall schedules a video chat, and :press starts it from /calls", async () => {
    demo = launch(withoutCredentials({}));
    const { child, seen } = demo;
    await demo.waitFor(/You are Olga/, 30_000);
    child.stdin.write("/newcall Demo stream in 1h\n");
    await demo.waitFor(/bot \(edited\): .*scheduled/, 20_000);
    const output = seen.out;
    expect(output).toMatch(/Queued: video chat “Demo stream” in «Demo Community»/);
    expect(output).toMatch(/\* Video chat scheduled for/);

    child.stdin.write(":calls\n");
    await demo.waitFor(/Demo stream: scheduled/, 5_000);

    // The /calls buttons can be pressed from the terminal too.
    child.stdin.write("/calls\n");
    await demo.waitFor(/\[▶️ Start now\]|\[1\. ▶️ Start now\]/, 10_000);
    child.stdin.write(":press Start now\n");
    await demo.waitFor(/“Demo stream” is live now in «Demo Community»/, 15_000);
    child.stdin.write(":calls\n");
    await demo.waitFor(/Demo stream: active/, 5_000);

    child.kill("SIGINT");
    expect(await demo.exited).toBe(0);
    // The sandbox's token and the assistant's session never reach the terminal.
    expect(seen.out + seen.err).not.toMatch(/SANDBOXdemoToken/);
  }, 60_000);
});
