import { readFileSync } from "node:fs";
import { RequestCounters } from "../../src/counters/request-counters.ts";
import { FaultInjector } from "../../src/faults/fault-injector.ts";
import { type MtprotoServer, startMtprotoServer } from "../../src/mtproto/server.ts";
import type { WorldFixture } from "../../src/world/fixture-schema.ts";
import { World } from "../../src/world/world.ts";
import { demoWorldPath } from "../../src/worlds/demo-world.ts";

export const TEST_API_ID = 94575;

/** The demo world, plus Olga (owner of every demo chat) as a second userbot account. */
export function demoFixtureWithOwnerAccount(): WorldFixture {
  const fixture = JSON.parse(readFileSync(demoWorldPath, "utf8")) as WorldFixture;
  return { ...fixture, userbots: [...fixture.userbots, 1001] };
}

export interface MtprotoTestSandbox {
  world: World;
  faults: FaultInjector;
  counters: RequestCounters;
  server: MtprotoServer;
}

/** A world and the MTProto server alone (no Bot API), on a free port of 127.0.0.1. */
export async function startMtprotoTestSandbox(
  fixture: WorldFixture = demoFixtureWithOwnerAccount(),
): Promise<MtprotoTestSandbox> {
  const world = new World(fixture);
  const faults = new FaultInjector();
  const counters = new RequestCounters();
  const server = await startMtprotoServer({
    world,
    faults,
    counters,
    host: "127.0.0.1",
    port: 0,
    apiId: TEST_API_ID,
    onInternalError: (method, error) => console.error(`sandbox bug in ${method}:`, error),
  });
  return { world, faults, counters, server };
}
