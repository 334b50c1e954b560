import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // better-auth turns its origin (CSRF) check off when NODE_ENV is "test" or TEST is set, as
    // vitest does by default; run the app as it runs for real so those checks are exercised too.
    env: { NODE_ENV: "development", TEST: "" },
  },
});
