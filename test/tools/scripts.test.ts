import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchCommandLine } from '../../bench/command-line.ts';
import { demoCommandLine } from '../../demo/demo-command-line.ts';
import { runMeasureImportCommand } from '../../local/measure-import-command.ts';
import { startCommandLine } from '../../local/start-command-line.ts';
import { loadLocalSettings } from '../../tools/cli/local-settings.ts';
import type { CliIo } from '../../tools/cli/run-command.ts';
import { runExecuteCommand } from '../../tools/okta/execute-command.ts';
import { runRegisterCommand } from '../../tools/okta/register-command.ts';
import { runSecretCommand } from '../../tools/okta/secret-command.ts';
import { runPatientsCli } from '../../tools/patients/cli.ts';
import { runPreviewCli } from '../../tools/preview/cli.ts';
import { freePort } from '../support/npm-start.ts';
import { capturedIo } from './support/captured-io.ts';

const PACKAGE = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const { scripts } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The TypeScript file a package.json script runs. */
function entry(script: string): string {
  const file = /^tsx (\S+\.ts)$/.exec(scripts[script] ?? '')?.[1];
  if (!file) throw new Error(`${script} is not "tsx <file>.ts"`);
  return file;
}

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
  // undefined unsets a variable.
  const merged = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, join(PACKAGE, entry(script)), ...args], {
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

type CommandLine = (argv: readonly string[], io: CliIo) => unknown;

/**
 * Every script in package.json: the function its entry hands its command line to, with a command line
 * for it to refuse, or why the script has none of its own to check.
 */
const COMMAND_LINES: Record<string, { commandLine: CommandLine; usageError: string[] } | { noOptions: string }> = {
  start: { commandLine: startCommandLine, usageError: ['--port', '3000'] },
  build: { noOptions: 'builds dist/; no options' },
  typecheck: { noOptions: "tsc's own" },
  lint: { noOptions: "Biome's and knip's own" },
  test: { noOptions: "vitest's own" },
  'test:unit': { noOptions: "vitest's own" },
  synth: { noOptions: "cdk's own" },
  bench: { commandLine: benchCommandLine, usageError: ['--bogus'] },
  patients: { commandLine: runPatientsCli, usageError: ['frob'] },
  preview: { commandLine: runPreviewCli, usageError: ['--bogus'] },
  'okta:secret': { commandLine: runSecretCommand, usageError: ['--bogus'] },
  'okta:register': { commandLine: runRegisterCommand, usageError: ['--url', 'http://hook.example.com'] },
  'okta:execute': { commandLine: runExecuteCommand, usageError: ['--name', 'a', '--id', 'b'] },
  'measure:import': { commandLine: runMeasureImportCommand, usageError: ['--rows', 'many'] },
  demo: { commandLine: demoCommandLine, usageError: ['--bogus'] },
};

// Each command line runs in this process, through the function the script's entry runs; the process
// around it (exit code, streams, .env, the SDK's warning) is checked by the runs as a process below.
describe('every npm script', () => {
  it('is in the table below: a new script says how its command line is checked', () => {
    expect(Object.keys(COMMAND_LINES).sort()).toStrictEqual(Object.keys(scripts).sort());
  });

  const commands = Object.entries(COMMAND_LINES).flatMap(([script, line]) => ('usageError' in line ? [[script, line] as const] : []));
  it.each(commands)('%s: --help prints the whole usage and exits 0; a usage error is one line and exit 2', async (script, line) => {
    expect(readFileSync(join(PACKAGE, entry(script)), 'utf8'), 'the entry hands its command line to the function run here').toContain(
      `${line.commandLine.name}(process.argv.slice(2), processIo())`,
    );
    const help = capturedIo();
    expect(await line.commandLine(['--help'], help)).toBe(0);
    expect(help.err()).toBe('');
    const name = script === 'start' ? 'npm start' : `npm run ${script}`;
    expect(help.out().toLowerCase()).toMatch(new RegExp(`^usage: ${name.replace(':', '\\:')}`));
    expect(help.out().split('\n').length, 'the whole usage, not one line').toBeGreaterThan(5);
    const wrong = capturedIo();
    expect(await line.commandLine(line.usageError, wrong)).toBe(2);
    expect(wrong.out()).toBe('');
    expect(wrong.err()).toMatch(/^[^\n]+\n$/);
  });

  // bench/results.json holds the published figures: a command line that ends in an exit code stops the
  // entry before it builds, measures or writes anything.
  it('bench measures only for an empty command line or --save, and --help says which writes bench/results.json', () => {
    const help = capturedIo();
    expect(benchCommandLine(['--help'], help)).toBe(0);
    expect(help.out()).toContain('--save                 write the figures to bench/results.json');
    expect(benchCommandLine(['--bogus'], capturedIo())).toBe(2);
    expect(benchCommandLine([], capturedIo())).toStrictEqual({ save: false });
    expect(benchCommandLine(['--save'], capturedIo())).toStrictEqual({ save: true });
  });
});

describe('a script, as a process', { concurrent: true }, () => {
  it('prints the whole usage for --help before it exits 0, and nothing on stderr', async ({ expect }) => {
    const help = await run('start', ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    const inProcess = capturedIo();
    startCommandLine(['--help'], inProcess);
    expect(help.stdout).toBe(inProcess.out());
  });

  it('okta:secret says what to do when no region is found, in one line without the SDK warning, and exits 1', async ({ expect }) => {
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

  it('reads .env in its folder, without overriding a variable already set', async ({ expect }) => {
    const folder = mkdtempSync(join(tmpdir(), 'dot-env-'));
    try {
      const [inFile, alreadySet] = [await freePort(), await freePort()];
      writeFileSync(join(folder, '.env'), `OKTA_ORG_URL=http://127.0.0.1:${inFile}\nOKTA_API_TOKEN=from-dot-env\n`);
      // The token comes from the file alone: without it, okta:execute stops at once with a usage error naming it.
      const result = await run('okta:execute', [], {
        cwd: folder,
        env: { OKTA_ORG_URL: `http://127.0.0.1:${alreadySet}`, OKTA_API_TOKEN: undefined, OKTA_ACCESS_TOKEN: undefined },
      });
      expect(result).toMatchObject({ code: 1, stderr: `error: cannot reach http://127.0.0.1:${alreadySet}: ECONNREFUSED\n` });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('.env', () => {
  it('is optional, and git-ignored', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-dot-env-'));
    try {
      const before = { ...process.env };
      loadLocalSettings(join(empty, '.env'));
      expect({ ...process.env }, 'no file, nothing set and nothing thrown').toStrictEqual(before);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(readFileSync(join(PACKAGE, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });
});
