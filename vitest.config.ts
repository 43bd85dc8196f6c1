import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { longestFirst } from './test/support/longest-first.sequencer.ts';

/**
 * The pure tests: no server, no child process, no synth, no build. `npm run test:unit` runs only these,
 * the inner loop (vitest.unit.config.ts); `npm test` runs them with the system files, in the gaps the long
 * files leave.
 */
export const UNIT = [
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

/**
 * Bursts against npm start, whose answers depend on the hook meeting its store deadline: alone, after the
 * others, so the suite's own load does not decide them.
 */
const BURST = ['test/integration/npm-start-burst.test.ts'];

/** The infra workers' temporary folder, one a run (test/support/scratch-tmpdir.global.ts). */
const INFRA_TMPDIR = join(tmpdir(), `token-hook-infra-tests-${process.pid}`);

/**
 * The files that run longest, in the order they start: first, so that the short ones fill the end. Named
 * rather than taken from the last run's durations, which depend on what ran beside a file and on the
 * host's spells: ordered by those the suite took 0.9 to 2.3 s longer, and with none (a fresh clone, as
 * CI's), in glob order, 1.0 to 7.2 s longer (pairs of runs taken in turn on a quiet host). The files not
 * named follow, longest last time first.
 */
const LONGEST = [
  'test/infra/cdk-nag.test.ts',
  'test/infra/two-regions.test.ts',
  'test/demo/sign-in.test.ts',
  'test/house/static-checks.test.ts',
  'test/integration/npm-start.test.ts',
  'test/reliability/credential-rotation.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/load.test.ts',
  'test/tools/patients/wait-replicated.test.ts',
  'test/reliability/store-faults.test.ts',
  'test/tools/patients/patients-cli.test.ts',
  'test/tools/patients/okta-id-roster.test.ts',
  'test/rotation/okta-rotation.test.ts',
  'test/oauth/npm-start-oauth.test.ts',
  'test/oauth/key-set-outage.test.ts',
  'test/tools/scripts.test.ts',
  'test/integration/health.test.ts',
];

/** CDK synthesis and the bundle build: the files that read npm run build's output are all here. */
const INFRA = ['test/infra/**/*.test.ts', 'test/build/**/*.test.ts'];

export default defineConfig({
  // The last run's durations, which the sequencer orders by, kept in this checkout: node_modules may be
  // another checkout's (a git worktree's link), and so would its timings be.
  cacheDir: '.vitest-cache',
  test: {
    // Two workers at least, even on two cores (vitest's default there is one); the system files have one
    // more than the machine has cores (below).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share a worker's module graph: the hook, the AWS clients and aws-cdk-lib are imported once a
    // worker, not once a file (loading aws-cdk-lib and warming cdk-nag's packs costs seconds, a further
    // synth well under one). Each file still starts its own servers and stores, and restores what it stubs.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // The projects in the order below, each longest file first (test/support/longest-first.sequencer.ts).
    // Infra first: CDK's CloudFormation validation is the longest file, and the other worker has the rest
    // of infra done by the time it ends. System next: its longest files in the first half, the unit files
    // last. The burst alone at the end.
    sequence: { sequencer: longestFirst(LONGEST) },
    projects: [
      {
        extends: true,
        test: {
          name: 'infra',
          include: INFRA,
          // Before the system files, as a group of its own: a third worker here would import aws-cdk-lib again.
          sequence: { groupOrder: 0 },
          // CDK's CloudFormation validation (test/infra/cdk-nag.test.ts) is a 9 MB WebAssembly engine with a
          // large heap. By default V8 compiles it twice, the second time in background threads for the
          // functions that run hot, and collects its heap with parallel GC threads: on two cores that is CPU
          // the other worker needs, and more than the engine's own work. Its first compile only and one GC
          // thread cost less than half the CPU, in less wall time. The JavaScript likewise (--max-opt=1, see
          // the system project).
          execArgv: ['--max-opt=1', '--single-threaded-gc', '--liftoff-only'],
          // npm run build's bundles, built once for the files that test them (test/build, test/infra/bundle-asset).
          globalSetup: ['test/support/build-bundle.global.ts', 'test/support/scratch-tmpdir.global.ts'],
          // Only here: the other files' child processes keep the system's, where tsx keeps its cache.
          env: { TMPDIR: INFRA_TMPDIR },
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: [...INFRA, ...BURST],
          // Many of these files mostly wait (on deadlines, servers, child processes), often both workers at
          // once; a third keeps the cores busy.
          maxWorkers: availableParallelism() + 1,
          // With more processes than cores, V8's parallel GC threads only take CPU from the others: in two
          // runs each, taken in turn, one GC thread saved 0.7 and 3 s. Nor does a worker run code long
          // enough to earn back TurboFan's optimizing compiles: with the baseline compiler as the top tier
          // (--max-opt=1) the infra files took 2 s less CPU and 1 s less time, these 1.2 to 4.8 s less CPU
          // (three pairs of runs each, taken in turn).
          execArgv: ['--max-opt=1', '--single-threaded-gc'],
          sequence: { groupOrder: 1 },
          // The unit files too: in a project of their own they would start two more workers, each importing
          // the core again, which costs more than running them. Scans what the integration and reliability
          // suites write for secrets and patient data.
          setupFiles: ['test/support/scan-output.setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'burst',
          include: BURST,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
          setupFiles: ['test/support/scan-output.setup.ts'],
        },
      },
    ],
  },
});
