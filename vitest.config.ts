import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup/redis.ts", "tests/setup/next-build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one redis-server but each uses its own namespace; two at a time keeps a
    // loaded 2-core CI machine responsive for the timing-sensitive fault tests.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
