import { readWorkerStatus, WORKER_STATUS_TTL_MS, workerStatusKey } from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { harnessPerTest } from "./support/worker-harness.ts";

/** The state the worker publishes for the bot (checklist 28) and /status. */
describe("the worker's published state", () => {
  const h = harnessPerTest({ worker: false });

  const status = () => readWorkerStatus(h.connection, h.prefix);

  it("online with the account once it takes jobs, kept alive by a heartbeat; stopped after a clean stop", async () => {
    const worker = h.startWorker();
    await worker.ready;
    expect(await status()).toMatchObject({
      v: 1,
      state: "online",
      accountId: DEMO.assistant,
      username: "callbot_assistant",
    });
    // Without renewal it runs out, so a worker that crashed reads as unknown, not online.
    const ttl = await h.connection.pttl(workerStatusKey(h.prefix));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WORKER_STATUS_TTL_MS);

    await worker.stop();
    expect(await status()).toMatchObject({ state: "stopped", accountId: DEMO.assistant });
  });

  it("a heartbeat renews online, so a live worker never reads as unknown", async () => {
    await h.startWorker({ statusHeartbeatMs: 200 }).ready;
    const first = (await status())?.updatedAt ?? 0;
    const renewed = await waitFor(async () => {
      const now = await status();
      return now && now.updatedAt > first ? now : undefined;
    }, "a renewed online");
    expect(renewed.state).toBe("online");
  });

  it("shows a flood wait while Telegram makes the account wait", async () => {
    await h.startWorker().ready;
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 3 },
      times: 1,
    });
    const before = Date.now();
    await h.addJob(h.request({ target: DEMO_CHATS.privateTeam }));
    const waiting = await waitFor(async () => {
      const now = await status();
      return now?.floodWaitUntil !== undefined ? now : undefined;
    }, "the flood wait in the state");
    expect(waiting.state).toBe("online");
    expect(waiting.floodWaitUntil).toBeGreaterThanOrEqual(before + 2_000);
  });

  it("session-dead the moment Telegram revokes the session, and it stays so after the worker stops", async () => {
    const worker = h.startWorker();
    await worker.ready;
    h.sandbox.faults.mtproto({
      method: "*",
      action: { kind: "error", code: 401, message: "SESSION_REVOKED" },
    });
    await h.addJob(h.request({ target: DEMO_CHATS.privateTeam }));
    const dead = await waitFor(async () => {
      const now = await status();
      return now?.state === "session-dead" ? now : undefined;
    }, "session-dead");
    expect(dead).toMatchObject({ accountId: DEMO.assistant, errorName: "SESSION_REVOKED" });
    await worker.stop();
    expect(await status()).toMatchObject({ state: "session-dead", errorName: "SESSION_REVOKED" });
    expect(await h.connection.pttl(workerStatusKey(h.prefix))).toBe(-1);
  });

  it("session-dead when the session is already dead at start-up", async () => {
    h.sandbox.faults.mtproto({
      method: "users.getUsers",
      action: { kind: "error", code: 401, message: "AUTH_KEY_UNREGISTERED" },
    });
    const worker = h.startWorker();
    await expect(worker.ready).rejects.toThrow(/session is dead/);
    await worker.stop();
    expect(await status()).toMatchObject({ state: "session-dead", errorName: "AUTH_KEY_UNREGISTERED" });
  });

  it("a second worker refused by the account lock does not touch the first one's state", async () => {
    await h.startWorker().ready;
    const second = h.startWorker();
    await expect(second.ready).rejects.toThrow(/account-lock/);
    await second.stop();
    expect((await status())?.state).toBe("online");
  });
});
