import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Within a group, the files that took longest last time start first, whatever their project; files never
 * timed go first of all. Vitest's own order runs one project's files before the next project's, so the
 * slowest system files (child processes, the fuzz run) started only after every infra file and then ran
 * on alone while the other worker idled.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const lastDuration = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`)?.duration ??
      Number.MAX_SAFE_INTEGER;
    const groupOrder = (file: TestSpecification) => file.project.config.sequence.groupOrder;
    return [...files].sort((a, b) => groupOrder(a) - groupOrder(b) || lastDuration(b) - lastDuration(a));
  }
}
