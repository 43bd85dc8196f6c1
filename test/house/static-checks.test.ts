import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** A package.json script as npm runs it (a shell, node_modules/.bin first on PATH), with its output. */
function runScript(name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', SCRIPTS[name] as string], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', fail);
    child.once('close', (code) => done({ code, output }));
  });
}

/**
 * The type check, and Biome and knip (npm run lint), in the test run: beside the other files, in the time
 * the workers spend waiting on servers and child processes, rather than one after another before vitest
 * starts, and side by side: the type check is one process, Biome and knip two more one after the other. A
 * finding fails the test with the tool's own output.
 */
describe('static checks', { concurrent: true }, () => {
  for (const script of ['typecheck', 'lint']) {
    it(`npm run ${script} (${SCRIPTS[script]}) finds nothing`, { timeout: 120_000 }, async ({ expect }) => {
      const { code, output } = await runScript(script);
      expect(code, `npm run ${script} failed:\n${output}`).toBe(0);
    });
  }
});
