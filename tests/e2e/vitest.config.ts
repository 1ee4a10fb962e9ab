import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each test starts its own sandbox, bot and worker; two cores do not gain from running files side by side.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
