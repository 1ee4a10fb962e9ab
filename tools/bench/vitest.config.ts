import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The test starts two processes and a sandbox; on a busy 2-core machine that takes a while.
    hookTimeout: 150_000,
    testTimeout: 30_000,
  },
});
