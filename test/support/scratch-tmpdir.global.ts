import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder for the files of a project, removed when they are done. CDK synthesizes every app
 * into a folder of its own under the system's temporary folder and never removes it (about a hundred a
 * run), and the stand-in bundles are files too: the workers, started after this, inherit TMPDIR.
 */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'token-hook-infra-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
