import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (`src/**/*.test.ts`); browser journeys are in e2e/ and run with
// vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "scripts/**/*.test.ts"],
    environment: "node",
  },
});
