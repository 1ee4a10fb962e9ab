import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts real processes, a private redis-server and a sandbox; on two shared cores
    // running files side by side only makes every wait longer.
    fileParallelism: false,
    // Child processes start through tsx, which can take several seconds on a loaded machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
