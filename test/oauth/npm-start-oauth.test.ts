import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../support/fixtures.ts';
import { HOOK_AUDIENCE, HOOK_SCOPE, type LocalIssuer, startLocalIssuer } from './support/local-issuer.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('npm start with HOOK_AUTH=oauth', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-hook-oauth-'));
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(async () => {
    await issuer.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the same variables as the function: a token from the issuer gets the claim, Basic gets 401', async () => {
    const env = {
      ...process.env,
      LOG_LEVEL: 'silent',
      PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
      HOOK_AUTH: 'oauth',
      OAUTH_ISSUER: issuer.issuer,
      OAUTH_AUDIENCE: HOOK_AUDIENCE,
      OAUTH_SCOPE: HOOK_SCOPE,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-local.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /listening on (\S+)/.exec(output)?.[1];
          if (found && output.includes('curl -i')) resolve(found);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`access token from ${issuer.issuer}`);
      expect(output).not.toContain('supersecret');

      const post = (authorization: string) =>
        fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(loadFixture('okta-example-patient')),
        });
      const withToken = await post(`Bearer ${await issuer.sign()}`);
      expect(withToken.status).toBe(200);
      expect(await withToken.json()).toStrictEqual({
        commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }],
      });
      expect((await post(`Basic ${Buffer.from('admin:supersecret').toString('base64')}`)).status).toBe(401);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
