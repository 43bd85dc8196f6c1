import { defineConfig } from 'vitest/config';

/**
 * The pure tests: no server, no child process, no synth, no build. `npm run test:unit` runs only these,
 * the inner loop; `npm test` runs them with the rest.
 */
const UNIT = [
  'test/core/**/*.test.ts',
  'test/observability/**/*.test.ts',
  'test/config.test.ts',
  'test/config-rotation-replay.test.ts',
  'test/failure-backoff.test.ts',
  'test/hook-handler.test.ts',
  'test/hook-rotation-check.test.ts',
  'test/json-syntax.test.ts',
  'test/request-deadline.test.ts',
  'test/aws/secrets-manager-credentials.test.ts',
  'test/aws/sigv4-test-suite.test.ts',
  'test/demo/mint-decision.test.ts',
  'test/demo/token-hook-request.test.ts',
  'test/local/start-banner.test.ts',
  'test/oauth/basic-caller.test.ts',
  'test/oauth/config.test.ts',
  'test/rotation/okta-hook-target.test.ts',
  'test/tools/cli/**/*.test.ts',
  'test/tools/okta/json-pointer.test.ts',
  'test/tools/okta/request-shapes.test.ts',
  'test/tools/okta/response-judge.test.ts',
  'test/tools/patients/batch-writer.test.ts',
  'test/tools/patients/import-plan.test.ts',
  'test/tools/patients/roster-file.test.ts',
  'test/tools/patients/roster-validation.test.ts',
];

/** CDK synthesis and the bundle build: the files that read npm run build's output are all here. */
const INFRA = ['test/infra/**/*.test.ts', 'test/build/**/*.test.ts'];

export default defineConfig({
  test: {
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      // One module graph for all of them: a fresh process a file costs more than the tests themselves.
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      {
        extends: true,
        test: {
          name: 'infra',
          include: INFRA,
          // npm run build's bundles, built once for the files that test them (test/build, test/infra/bundle-asset).
          globalSetup: ['test/support/build-bundle.global.ts'],
          // One module graph for every synth file: loading aws-cdk-lib and warming cdk-nag's three packs
          // costs seconds a file, a further synth well under one.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...INFRA],
          // Scans what the integration and reliability suites write for secrets and patient data.
          setupFiles: ['test/support/scan-output.setup.ts'],
        },
      },
    ],
  },
});
