import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * The temporary folder the project's workers get as TMPDIR (vitest.config.ts: `<name>-<pid of the run>`),
 * made for the run and removed when it ends, with any a killed run left behind. CDK synthesizes every app
 * into a folder of its own under the system's temporary folder and never removes it (about a hundred a
 * run), and each stand-in bundle is a folder there too.
 */
export default function setup(project: TestProject): () => void {
  const folder = project.config.env.TMPDIR;
  const named = folder && /^(.+)-(\d+)$/.exec(basename(folder));
  if (!folder || !named) throw new Error(`project ${project.name} sets no TMPDIR of the form <name>-<pid> for its workers`);
  for (const entry of readdirSync(dirname(folder))) {
    const left = new RegExp(`^${named[1]}-(\\d+)$`).exec(entry);
    if (left && !isRunning(Number(left[1]))) rmSync(join(dirname(folder), entry), { recursive: true, force: true });
  }
  mkdirSync(folder, { recursive: true });
  return () => rmSync(folder, { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
