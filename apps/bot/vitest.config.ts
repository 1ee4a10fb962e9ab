import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests start a sandbox and a bot and wait on real events.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
