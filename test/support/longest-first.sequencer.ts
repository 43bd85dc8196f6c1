import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Within a group, the project with the longest file first, and in each project the files that took
 * longest last time first (files never timed first of all). A project's files stay together: a worker is
 * kept for the next file only when it is of the same project, so interleaving projects would start a
 * fresh worker, and import aws-cdk-lib or the hook again, at every switch. Vitest's own order takes the
 * projects by name, so every infra file ran before the slowest system files (child processes, the fuzz
 * run), which then ran on alone while the other worker idled.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const lastDuration = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`)?.duration ??
      Number.MAX_SAFE_INTEGER;
    const groupOrder = (file: TestSpecification) => file.project.config.sequence.groupOrder;
    const longestInProject = new Map<string, number>();
    for (const file of files) {
      longestInProject.set(file.project.name, Math.max(longestInProject.get(file.project.name) ?? 0, lastDuration(file)));
    }
    const projectRank = (file: TestSpecification) => longestInProject.get(file.project.name) ?? 0;
    return [...files].sort(
      (a, b) =>
        groupOrder(a) - groupOrder(b) ||
        projectRank(b) - projectRank(a) ||
        a.project.name.localeCompare(b.project.name) ||
        lastDuration(b) - lastDuration(a),
    );
  }
}
