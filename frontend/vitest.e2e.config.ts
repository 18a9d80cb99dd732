import { defineConfig } from "vitest/config";

// Browser journeys in real Chromium against a real local stack, one file after another (they
// share the stack the global setup starts).
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    sequence: { concurrent: false },
    reporters: ["verbose"],
  },
});
