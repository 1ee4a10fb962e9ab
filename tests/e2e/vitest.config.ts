import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each test starts its own sandbox, bot and worker; two cores do not gain from running files side by side.
    fileParallelism: false,
    // The files run one after another in one worker, so they can share one module graph: each
    // file no longer imports the product, the sandbox, grammY and gramjs afresh (several seconds
    // a file). Every file starts its own sandbox, Redis prefix and processes, and no test mocks
    // modules or stubs globals, so nothing a file relies on is left over from another.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
