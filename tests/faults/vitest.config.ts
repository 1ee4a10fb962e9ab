import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts real processes, a private redis-server and a sandbox; on two shared cores
    // running files side by side only makes every wait longer.
    fileParallelism: false,
    // The files run one after another in one worker, so they can share one module graph: each
    // file no longer imports the product, the sandbox, grammY and gramjs afresh (several seconds
    // a file). Every file starts its own sandbox, Redis prefix and processes, and no test mocks
    // modules or stubs globals, so nothing a file relies on is left over from another.
    isolate: false,
    // Child processes start through tsx, which can take several seconds on a loaded machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
