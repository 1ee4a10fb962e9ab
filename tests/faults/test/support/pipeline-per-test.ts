import { afterAll, afterEach, expect } from "vitest";
import { captureRedis } from "./capture-redis.ts";
import { deliveredSecretsOf, OutputCapture, type Secrets, secretsOf } from "./output-capture.ts";
import { type Pipeline, type PipelineOptions, startPipeline } from "./pipeline.ts";

/**
 * One pipeline per test of the calling file: started by `start`, closed after each test, and
 * every secret any of them issued is looked for in all the file's captured output and in
 * everything Redis held under its prefix at the end of each test (checklist lines 21 and 32,
 * file by file): the token and session anywhere, stream keys and invite hashes anywhere but the
 * chat they were delivered to.
 */
export function pipelinePerTest(): {
  capture: OutputCapture;
  start(options?: Omit<PipelineOptions, "capture">): Promise<Pipeline>;
} {
  const capture = new OutputCapture();
  let current: Pipeline | undefined;
  let secrets: Secrets = {};
  let delivered: Secrets = {};
  afterEach(async () => {
    if (current) {
      secrets = { ...secrets, ...secretsOf(current.sandbox.info) };
      delivered = { ...delivered, ...deliveredSecretsOf(current.sandbox.world) };
    }
    const ended = current;
    // Read once the bot has stopped, so no delivery is half done; a test that left Redis down
    // has nothing more to read there.
    await ended?.close(() =>
      captureRedis(ended.queues.connection, capture, `${ended.prefix}:*`).catch(() => undefined),
    );
    current = undefined;
  });
  afterAll(() => {
    expect(capture.leaks(secrets)).toEqual([]);
    expect(capture.leaks(delivered, { except: ["chat"] })).toEqual([]);
  });
  return {
    capture,
    async start(options = {}) {
      current = await startPipeline({ ...options, capture });
      return current;
    },
  };
}
