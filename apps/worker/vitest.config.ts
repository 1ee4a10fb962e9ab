import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests run the worker against the sandbox and a real Redis and wait on events.
    testTimeout: 30_000,
    hookTimeout: 20_000,
  },
});
