import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION } from '../support/local-hook.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const running = new Set<ChildProcess>();

function startNpmStart(env: Record<string, string>): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-local.ts'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (\S+)/.exec(output)?.[1];
      if (url && output.includes('curl -i')) resolve(url);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
  return { child, output: () => output, ready };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { authorization: LOCAL_AUTHORIZATION, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-hook-start-'));
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()), LOCAL_DATA_DIR: dataDir };
  });
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the published example for a seed patient with the claim, a non-patient with 204, and stops on Ctrl-C', async () => {
    const run = startNpmStart(env);
    const url = await run.ready;
    expect(url).toBe(`http://127.0.0.1:${env.PORT}/tokenHook`);
    expect(run.output()).toContain("curl -i");

    const patient = await post(url, loadFixture('okta-example-patient'));
    expect(patient.status).toBe(200);
    expect(await patient.json()).toStrictEqual({
      commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
    });
    const stranger = await post(url, loadFixture('okta-example'));
    expect(stranger.status).toBe(204);

    expect(await stop(run.child)).toBe(0);
  });

  it('keeps the store on disk, so a restart finds the same table and patients', async () => {
    const run = startNpmStart(env);
    const url = await run.ready;
    const patient = await post(url, loadFixture('refresh-grant'));
    expect(await patient.json()).toMatchObject({ commands: [{ value: [{ value: '6789' }] }] });
    expect(await stop(run.child)).toBe(0);
  });
});
