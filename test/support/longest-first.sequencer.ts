import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * A sequencer that runs the projects in the order vitest.config.ts declares them, and in each project the
 * files that took longest last time first. A project's files stay together: a worker is kept for the next
 * file only when it is of the same project, so interleaving projects would start a fresh worker, and
 * import aws-cdk-lib or the hook again, at every switch. The declared order, not the timings, says which
 * project goes first, so a fresh clone runs the projects in the same order as a checkout with timings.
 *
 * A file never timed in this checkout runs before the timed ones (it may be long), and among those the
 * files `longestWithoutTimings` names first, in its order: a fresh clone (CI's) has no timings at all,
 * and in glob order its longest files would start last and run on alone at the end.
 */
export function longestFirst(longestWithoutTimings: readonly string[]): typeof BaseSequencer {
  return class LongestFirstSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const missing = longestWithoutTimings.filter((file) => !existsSync(resolve(this.ctx.config.root, file)));
      if (missing.length > 0) throw new Error(`the longest files named for a fresh clone do not exist: ${missing.join(', ')}`);
      const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
      const rank = (file: TestSpecification) => {
        const lastDuration = this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`)?.duration;
        if (lastDuration !== undefined) return lastDuration;
        const named = longestWithoutTimings.indexOf(path(file));
        return Number.MAX_SAFE_INTEGER - (named === -1 ? longestWithoutTimings.length : named);
      };
      const declared = (file: TestSpecification) => this.ctx.projects.findIndex((project) => project.name === file.project.name);
      return [...files].sort((a, b) => declared(a) - declared(b) || rank(b) - rank(a));
    }
  };
}
