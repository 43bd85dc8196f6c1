import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/npm-start.ts';

const PACKAGE = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const { scripts } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A package.json script's TypeScript entry, run as npm run runs it, but without npm (its banner) and
 * without the suite's AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, so a tool must turn the SDK's
 * warning off itself.
 */
function run(
  script: string,
  args: string[],
  { env = {}, cwd = PACKAGE }: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<Run> {
  const entry = /^tsx (\S+\.ts)$/.exec(scripts[script] ?? '')?.[1];
  if (!entry) throw new Error(`${script} is not "tsx <file>.ts"`);
  // undefined unsets a variable.
  const merged = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(PACKAGE, entry), ...args], {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** Every script in package.json: a command line to refuse, or why it has none of its own to check. */
const COMMAND_LINES: Record<string, { usageError: string[] } | { noOptions: string }> = {
  start: { usageError: ['--port', '3000'] },
  build: { noOptions: 'builds dist/; no options' },
  typecheck: { noOptions: "tsc's own" },
  test: { noOptions: "tsc's and vitest's own" },
  'test:unit': { noOptions: "vitest's own" },
  synth: { noOptions: "cdk's own" },
  bench: { usageError: ['--bogus'] },
  patients: { usageError: ['frob'] },
  preview: { usageError: ['--bogus'] },
  'okta:secret': { usageError: ['--bogus'] },
  'okta:register': { usageError: ['--url', 'http://hook.example.com'] },
  'okta:execute': { usageError: ['--name', 'a', '--id', 'b'] },
  'measure:import': { usageError: ['--rows', 'many'] },
  demo: { usageError: ['--bogus'] },
};

describe('every npm script, as a process', () => {
  it('is in the table below: a new script says how its command line is checked', () => {
    expect(Object.keys(COMMAND_LINES).sort()).toStrictEqual(Object.keys(scripts).sort());
  });

  const commands = Object.entries(COMMAND_LINES).flatMap(([script, line]) =>
    'usageError' in line ? [[script, line.usageError] as const] : [],
  );
  it.each(commands)('%s: --help prints the whole usage and exits 0; a usage error is one line and exit 2', async (script, usageError) => {
    const results = await Promise.all([run(script, ['--help']), run(script, usageError)]);
    const [help, wrong] = results as [Run, Run];
    expect(help).toMatchObject({ code: 0, stderr: '' });
    const name = script === 'start' ? 'npm start' : `npm run ${script}`;
    expect(help.stdout.toLowerCase()).toMatch(new RegExp(`^usage: ${name.replace(':', '\\:')}`));
    expect(help.stdout.split('\n').length, 'the whole usage, not one line').toBeGreaterThan(5);
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toMatch(/^[^\n]+\n$/);
  });

  it('bench writes bench/results.json only when asked to with --save', async () => {
    const before = statSync(join(PACKAGE, 'bench/results.json')).mtimeMs;
    await Promise.all([run('bench', ['--help']), run('bench', ['--bogus'])]);
    expect(statSync(join(PACKAGE, 'bench/results.json')).mtimeMs).toBe(before);
    expect((await run('bench', ['--help'])).stdout).toContain('--save');
  });
});

describe('okta:secret', () => {
  it('says what to do when no region is found, in one line without the SDK warning, and exits 1', async () => {
    const noAws = mkdtempSync(join(tmpdir(), 'no-aws-'));
    try {
      const result = await run('okta:secret', ['--secret-id', 'token-hook-credential'], {
        env: {
          AWS_REGION: undefined,
          AWS_DEFAULT_REGION: undefined,
          AWS_PROFILE: undefined,
          AWS_CONFIG_FILE: join(noAws, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(noAws, 'credentials'),
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
      });
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(
        "error: Region is missing: give the secret's ARN (it names its region), or set AWS_REGION (or AWS_PROFILE to a profile with a region)\n",
      );
    } finally {
      rmSync(noAws, { recursive: true, force: true });
    }
  });
});

describe('.env', () => {
  const folder = mkdtempSync(join(tmpdir(), 'dot-env-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reaches the tools, without overriding a variable already set', async () => {
    const port = await freePort();
    writeFileSync(join(folder, '.env'), `OKTA_ORG_URL=http://127.0.0.1:${port}\nOKTA_API_TOKEN=from-dot-env\n`);
    const fromFile = await run('okta:execute', [], {
      cwd: folder,
      env: { OKTA_ORG_URL: undefined, OKTA_API_TOKEN: undefined, OKTA_ACCESS_TOKEN: undefined },
    });
    expect(fromFile).toMatchObject({ code: 1, stderr: `error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n` });

    const other = await freePort();
    const alreadySet = await run('okta:execute', [], { cwd: folder, env: { OKTA_ORG_URL: `http://127.0.0.1:${other}` } });
    expect(alreadySet.stderr).toBe(`error: cannot reach http://127.0.0.1:${other}: ECONNREFUSED\n`);
  });

  it('is optional, and git-ignored', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-dot-env-'));
    try {
      expect(
        await run('okta:execute', [], {
          cwd: empty,
          env: { OKTA_ORG_URL: undefined, OKTA_API_TOKEN: undefined, OKTA_ACCESS_TOKEN: undefined },
        }),
      ).toMatchObject({
        code: 2,
        stderr: 'error: OKTA_ORG_URL is required, e.g. https://dev-123456.okta.com; npm run okta:execute -- --help shows the usage\n',
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(readFileSync(join(PACKAGE, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });
});
