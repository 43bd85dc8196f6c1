import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { prepareLocalStore } from '../../local/local-environment.ts';
import { UsageError } from '../../tools/cli/run-command.ts';
import { localDynamoDbClient } from '../../tools/patients/patients-table-target.ts';
import { loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION } from '../support/local-hook.ts';
import { freePort, killNpmStarts, type NpmStart, portFreed, startNpmStart } from '../support/npm-start.ts';

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: LOCAL_AUTHORIZATION, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const storeProcess = (output: string) => Number(/embedded DynamoDB at \S+ \(process (\d+)\)/.exec(output)?.[1]);

// Each test has ports and a data folder of its own, so they run side by side: an npm start spends most
// of its start waiting on its store process.
describe('npm start', { concurrent: true }, () => {
  const dataDirs: string[] = [];
  const ownEnvironment = async (extra: Record<string, string> = {}): Promise<Record<string, string>> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-hook-start-'));
    dataDirs.push(dataDir);
    return {
      LOG_LEVEL: 'silent',
      PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
      ...extra,
    };
  };
  afterAll(() => {
    killNpmStarts();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  });

  // One data folder, run after run: each test goes on from where the one before left npm start.
  describe('in one data folder', () => {
    let env: Record<string, string>;
    let running: NpmStart;
    let url: string;

    it.sequential('answers the published example for a seed patient with the claim and a non-patient with 204', async ({ expect }) => {
      env = await ownEnvironment();
      running = startNpmStart(env);
      url = await running.ready;
      expect(url).toBe(`http://127.0.0.1:${env.PORT}/tokenHook`);
      expect(running.output()).toContain('Credential: admin / supersecret, the local default');
      expect(running.output()).toContain(`curl -i ${url} -H 'authorization: ${LOCAL_AUTHORIZATION}'`);

      const patient = await post(url, loadFixture('okta-example-patient'));
      expect(patient.status).toBe(200);
      expect(await patient.json()).toStrictEqual({
        commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
      });
      const stranger = await post(url, loadFixture('okta-example'));
      expect(stranger.status).toBe(204);
    });

    it.sequential('runs the store in a process of its own, and refuses a second npm start on the same folder, naming it', async ({
      expect,
    }) => {
      const store = storeProcess(running.output());
      expect(store).toBeGreaterThan(0);
      expect(store).not.toBe(running.child.pid);
      // What start-local does first with the store: a refusal here is its one line and exit 2 (see the taken PORT below).
      await expect(prepareLocalStore({ DYNAMODB_PORT: '0' }, env.LOCAL_DATA_DIR)).rejects.toStrictEqual(
        new UsageError(
          `the store in ${env.LOCAL_DATA_DIR} is held by another npm start (its store process ${store}): stop that one, or set LOCAL_DATA_DIR to another folder`,
        ),
      );
    });

    it.sequential('stops on Ctrl-C, its store too, and keeps the store on disk, putting the sample patients only in a new table', async ({
      expect,
    }) => {
      const client = localDynamoDbClient(`http://127.0.0.1:${env.DYNAMODB_PORT}`);
      await client.send(new DeleteItemCommand({ TableName: 'patients', Key: { username: { S: 'jessie.smith@example.com' } } }));
      client.destroy();
      expect((await post(url, loadFixture('okta-example-patient'))).status).toBe(204);
      expect(await running.stop()).toBe(0);
      expect(await portFreed(Number(env.DYNAMODB_PORT)), 'the store process stopped too').toBe(true);

      const second = startNpmStart(env);
      const again = await second.ready;
      expect((await post(again, loadFixture('okta-example-patient'))).status, 'jessie.smith is still deleted').toBe(204);
      const kim = await post(again, loadFixture('refresh-grant'));
      expect(await kim.json(), 'the others are still there').toMatchObject({ commands: [{ value: [{ value: '6789' }] }] });
      running = second;
    });

    it.sequential('answers GET /health with no credential: 200 with the store up, 503 while the store does not answer', async ({
      expect,
    }) => {
      const health = new URL('/health', url);
      const up = await fetch(health);
      expect([up.status, await up.json()]).toStrictEqual([200, { status: 'ok' }]);
      const store = storeProcess(running.output());
      process.kill(store, 'SIGSTOP');
      try {
        const hung = await fetch(health);
        expect([hung.status, await hung.json()]).toStrictEqual([503, { status: 'unavailable' }]);
      } finally {
        process.kill(store, 'SIGCONT');
      }
      expect((await fetch(health)).status).toBe(200);
    });

    it.sequential('stops, saying so in one line, when its store process ends', async ({ expect }) => {
      const store = storeProcess(running.output());
      process.kill(store, 'SIGKILL');
      expect(await running.exited).toBe(1);
      const said = running.output().trimEnd().split('\n').at(-1);
      expect(said).toBe(`npm start: the embedded DynamoDB store (process ${store}) stopped with signal SIGKILL; stopping the hook too.`);
      expect(await portFreed(Number(env.PORT))).toBe(true);
    });
  });

  it('with USER_KEY=oktaId, serves the seed patients by Okta user id from a table of their own; killed outright, takes its store along', async ({
    expect,
  }) => {
    const env = await ownEnvironment({ USER_KEY: 'oktaId' });
    const run = startNpmStart(env);
    const url = await run.ready;
    expect(run.output()).toContain('patients-by-okta-id');
    // The published example: jessie.smith's Okta id, whatever the login says.
    const renamed = loadFixture('okta-example');
    expect(await (await post(url, renamed)).json()).toMatchObject({ commands: [{ value: [{ value: '1235' }] }] });

    run.child.kill('SIGKILL');
    await run.exited;
    expect(await portFreed(Number(env.DYNAMODB_PORT)), 'the store process stopped too').toBe(true);
  });

  it('says in one line that the hook port is taken, naming PORT, exits 2 and leaves no store running', async ({ expect }) => {
    const env = await ownEnvironment();
    await withTakenPort(async (port) => {
      const run = startNpmStart({ ...env, PORT: String(port) });
      expect(await run.exited).toBe(2);
      expect(run.output().trim()).toBe(
        `npm start: port ${port} on 127.0.0.1 (PORT) is taken: free it, or set PORT to another port (0 picks a free one)`,
      );
      expect(await portFreed(Number(env.DYNAMODB_PORT))).toBe(true);
    });
  });

  it('refuses a taken store port with a usage error naming DYNAMODB_PORT', async ({ expect }) => {
    const { LOCAL_DATA_DIR } = await ownEnvironment();
    await withTakenPort(async (port) => {
      // What start-local runs to get its store: a usage error is its one line and exit 2, as for PORT above.
      await expect(prepareLocalStore({ DYNAMODB_PORT: String(port) }, LOCAL_DATA_DIR)).rejects.toStrictEqual(
        new UsageError(
          `port ${port} on 127.0.0.1 (DYNAMODB_PORT) is taken: free it, or set DYNAMODB_PORT to another port (0 picks a free one)`,
        ),
      );
    });
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
