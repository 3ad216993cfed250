import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "mappings/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Prints which suites were skipped for want of a system program (rsyslogd, ...) and how to enable them.
    globalSetup: ["test/system-programs.setup.ts"],
  },
});
