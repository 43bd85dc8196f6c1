import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scans what the integration and reliability suites write for secrets and patient data.
    setupFiles: ['test/support/scan-output.setup.ts'],
    // npm run build's bundles, built once for the files that test them (test/build, test/infra/bundle-asset).
    globalSetup: ['test/support/build-bundle.global.ts'],
    // The load test compares heap sizes after a full collection (test/reliability/load.test.ts).
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
