import { defineConfig } from 'vitest/config';
import suite, { UNIT } from './vitest.config.ts';

/**
 * npm run test:unit, the inner loop: the pure tests alone, on one worker, where importing the core twice
 * costs more than running them all.
 */
export default defineConfig({
  ...suite,
  test: { ...suite.test, projects: undefined, include: UNIT, maxWorkers: 1 },
});
