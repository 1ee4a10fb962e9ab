import { afterAll, afterEach, expect } from "vitest";
import { OutputCapture, type Secrets, secretsOf } from "./output-capture.ts";
import { type Pipeline, type PipelineOptions, startPipeline } from "./pipeline.ts";

/**
 * One pipeline per test of the calling file: started by `start`, closed after each test, and
 * every secret any of them issued is looked for in all the file's captured output at the end
 * (checklist line 21, file by file).
 */
export function pipelinePerTest(): {
  capture: OutputCapture;
  start(options?: Omit<PipelineOptions, "capture">): Promise<Pipeline>;
} {
  const capture = new OutputCapture();
  let current: Pipeline | undefined;
  let secrets: Secrets = {};
  afterEach(async () => {
    if (current) secrets = { ...secrets, ...secretsOf(current.sandbox.info) };
    await current?.close();
    current = undefined;
  });
  afterAll(() => {
    expect(capture.leaks(secrets)).toEqual([]);
  });
  return {
    capture,
    async start(options = {}) {
      current = await startPipeline({ ...options, capture });
      return current;
    },
  };
}
