import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The projects in the order vitest.config.ts declares them, and in each project the files
 * that took longest last time first (files never timed first of all, in vitest's order). A project's files
 * stay together: a worker is kept for the next file only when it is of the same project, so interleaving
 * projects would start a fresh worker, and import aws-cdk-lib or the hook again, at every switch. The
 * declared order, not the timings, says which project goes first, so a fresh clone (CI) with no timings
 * runs in the same order as a checkout with them.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const lastDuration = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`)?.duration ??
      Number.MAX_SAFE_INTEGER;
    const declared = (file: TestSpecification) => this.ctx.projects.findIndex((project) => project.name === file.project.name);
    return [...files].sort((a, b) => declared(a) - declared(b) || lastDuration(b) - lastDuration(a));
  }
}
