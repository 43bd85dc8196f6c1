import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION } from '../support/local-hook.ts';
import { freePort, killNpmStarts, portFreed, startNpmStart } from '../support/npm-start.ts';
import { localDynamoDbClient } from '../../tools/cli/local-target.ts';

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: LOCAL_AUTHORIZATION, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const storeProcess = (output: string) => Number(/embedded DynamoDB at \S+ \(process (\d+)\)/.exec(output)?.[1]);

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-hook-start-'));
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { LOG_LEVEL: 'silent', PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()), LOCAL_DATA_DIR: dataDir };
  });
  afterEach(killNpmStarts);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers the published example for a seed patient with the claim, a non-patient with 204, and stops on Ctrl-C', async () => {
    const run = startNpmStart(env);
    const url = await run.ready;
    expect(url).toBe(`http://127.0.0.1:${env.PORT}/tokenHook`);
    expect(run.output()).toContain('Credential: admin / supersecret, the local default');
    expect(run.output()).toContain(`curl -i ${url} -H 'authorization: ${LOCAL_AUTHORIZATION}'`);

    const patient = await post(url, loadFixture('okta-example-patient'));
    expect(patient.status).toBe(200);
    expect(await patient.json()).toStrictEqual({
      commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
    });
    const stranger = await post(url, loadFixture('okta-example'));
    expect(stranger.status).toBe(204);

    expect(await run.stop()).toBe(0);
    expect(await portFreed(Number(env.DYNAMODB_PORT)), 'the store process stopped too').toBe(true);
  });

  it('keeps the store on disk, so a restart finds the same table and patients', async () => {
    const run = startNpmStart(env);
    const url = await run.ready;
    const patient = await post(url, loadFixture('refresh-grant'));
    expect(await patient.json()).toMatchObject({ commands: [{ value: [{ value: '6789' }] }] });
    expect(await run.stop()).toBe(0);
  });

  it('with USER_KEY=oktaId, serves the seed patients by Okta user id from a table of their own', async () => {
    const run = startNpmStart({ ...env, USER_KEY: 'oktaId' });
    const url = await run.ready;
    expect(run.output()).toContain('patients-by-okta-id');
    // The published example: jessie.smith's Okta id, whatever the login says.
    const renamed = loadFixture('okta-example');
    expect(await (await post(url, renamed)).json()).toMatchObject({ commands: [{ value: [{ value: '1235' }] }] });
    expect(await run.stop()).toBe(0);
  });

  it('runs the store in a process of its own, which goes when npm start is killed outright', async () => {
    const run = startNpmStart(env);
    await run.ready;
    const store = storeProcess(run.output());
    expect(store).toBeGreaterThan(0);
    expect(store).not.toBe(run.child.pid);

    run.child.kill('SIGKILL');
    await run.exited;
    expect(await portFreed(Number(env.DYNAMODB_PORT)), 'the store process stopped too').toBe(true);
  });

  it('stops, saying so in one line, when its store process ends', async () => {
    const run = startNpmStart(env);
    await run.ready;
    const store = storeProcess(run.output());

    process.kill(store, 'SIGKILL');
    expect(await run.exited).toBe(1);
    const said = run.output().trimEnd().split('\n').at(-1);
    expect(said).toBe(`npm start: the embedded DynamoDB store (process ${store}) stopped with signal SIGKILL; stopping the hook too.`);
    expect(await portFreed(Number(env.PORT))).toBe(true);
  });

  it('says in one line that the store port is taken, naming DYNAMODB_PORT, and exits 2', async () => {
    await withTakenPort(async (port) => {
      const run = startNpmStart({ ...env, DYNAMODB_PORT: String(port) });
      expect(await run.exited).toBe(2);
      expect(run.output().trim()).toBe(
        `npm start: port ${port} on 127.0.0.1 (DYNAMODB_PORT) is taken: free it, or set DYNAMODB_PORT to another port (0 picks a free one)`,
      );
    });
  });

  it('says in one line that the hook port is taken, naming PORT, exits 2 and leaves no store running', async () => {
    await withTakenPort(async (port) => {
      const run = startNpmStart({ ...env, PORT: String(port) });
      expect(await run.exited).toBe(2);
      expect(run.output().trim()).toBe(
        `npm start: port ${port} on 127.0.0.1 (PORT) is taken: free it, or set PORT to another port (0 picks a free one)`,
      );
      expect(await portFreed(Number(env.DYNAMODB_PORT))).toBe(true);
    });
  });

  it('says in one line that another npm start holds the store, naming its process, and exits 2', async () => {
    const first = startNpmStart(env);
    await first.ready;
    const holder = storeProcess(first.output());
    const second = startNpmStart({ ...env, PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) });
    expect(await second.exited).toBe(2);
    expect(second.output().trim()).toBe(
      `npm start: the store in ${dataDir} is held by another npm start (its store process ${holder}): stop that one, or set LOCAL_DATA_DIR to another folder`,
    );
    expect(await first.stop()).toBe(0);
  });

  it('puts the sample patients only when it creates the table, so a deleted one stays deleted after a restart', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'token-hook-start-'));
    try {
      const own = { ...env, LOCAL_DATA_DIR: ownDir };
      const first = startNpmStart(own);
      const url = await first.ready;
      const client = localDynamoDbClient(`http://127.0.0.1:${env.DYNAMODB_PORT}`);
      await client.send(new DeleteItemCommand({ TableName: 'patients', Key: { username: { S: 'jessie.smith@example.com' } } }));
      client.destroy();
      expect((await post(url, loadFixture('okta-example-patient'))).status).toBe(204);
      expect(await first.stop()).toBe(0);

      const second = startNpmStart(own);
      const again = await second.ready;
      expect((await post(again, loadFixture('okta-example-patient'))).status, 'jessie.smith is still deleted').toBe(204);
      expect((await post(again, loadFixture('refresh-grant'))).status, 'the others are still there').toBe(200);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(ownDir, { recursive: true, force: true });
    }
  });
});

async function withTakenPort(body: (port: number) => Promise<void>): Promise<void> {
  const taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  try {
    await body((taken.address() as AddressInfo).port);
  } finally {
    taken.close();
  }
}
