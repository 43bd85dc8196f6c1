import { mkdirSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

/**
 * The temporary folder the project's workers get as TMPDIR (vitest.config.ts), made for the run and
 * removed when it ends. CDK synthesizes every app into a folder of its own under the system's temporary
 * folder and never removes it (about a hundred a run), and each stand-in bundle is a folder there too.
 */
export default function setup(project: TestProject): () => void {
  const folder = project.config.env.TMPDIR;
  if (!folder) throw new Error(`project ${project.name} sets no TMPDIR for its workers`);
  mkdirSync(folder, { recursive: true });
  return () => rmSync(folder, { recursive: true, force: true });
}
