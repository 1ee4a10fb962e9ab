import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Some tests start a private redis-server or a Node process; on a busy 2-core CI machine
    // that can take a few seconds.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
