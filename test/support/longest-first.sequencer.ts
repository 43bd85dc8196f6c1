import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * A sequencer that runs the projects in the order vitest.config.ts declares them, and in each project the
 * files `longest` names first, in its order, then the others longest first by their last duration (a file
 * never timed before those: it may be long). A project's files stay together: a worker is kept for the
 * next file only when it is of the same project, so interleaving projects would start a fresh worker, and
 * import aws-cdk-lib or the hook again, at every switch.
 */
export function longestFirst(longest: readonly string[]): typeof BaseSequencer {
  return class LongestFirstSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const missing = longest.filter((file) => !existsSync(resolve(this.ctx.config.root, file)));
      if (missing.length > 0) throw new Error(`vitest.config.ts names files that do not exist as the longest: ${missing.join(', ')}`);
      const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
      const rank = (file: TestSpecification) => {
        const named = longest.indexOf(path(file));
        if (named !== -1) return Number.MAX_SAFE_INTEGER - named;
        const lastDuration = this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`)?.duration;
        return lastDuration ?? Number.MAX_SAFE_INTEGER - longest.length;
      };
      const declared = (file: TestSpecification) => this.ctx.projects.findIndex((project) => project.name === file.project.name);
      return [...files].sort((a, b) => declared(a) - declared(b) || rank(b) - rank(a));
    }
  };
}
