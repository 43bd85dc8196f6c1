import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { demoSettings } from '../../demo/demo-settings.ts';
import { UsageError } from '../../tools/cli/run-command.ts';

function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run demo settings', () => {
  it('picks free ports and the hook’s own claim name and credential by default', () => {
    const settings = demoSettings({});
    expect(settings).toMatchObject({
      mode: 'local',
      appPort: 0,
      issuerPort: 0,
      hookPort: 0,
      claimName: 'extPatientId',
      hookAuthorization: 'Basic YWRtaW46c3VwZXJzZWNyZXQ=',
    });
    expect(demoSettings({ CLAIM_NAME: 'patientNumber', DEMO_PORT: '8081' })).toMatchObject({ appPort: 8081, claimName: 'patientNumber' });
  });

  it('signs in through an Okta org given its issuer and client id, on port 8080 unless DEMO_PORT says otherwise', () => {
    expect(demoSettings({ OKTA_ISSUER: 'https://example.okta.com/oauth2/default/', OKTA_CLIENT_ID: 'abc' })).toStrictEqual({
      mode: 'okta',
      appPort: 8080,
      issuer: 'https://example.okta.com/oauth2/default',
      clientId: 'abc',
      claimName: 'extPatientId',
    });
    expect(() => demoSettings({ OKTA_ISSUER: 'https://example.okta.com/oauth2/default' })).toThrow(UsageError);
    expect(() => demoSettings({ DEMO_PORT: 'eighty' })).toThrow('DEMO_PORT must be a port number');
    expect(() => demoSettings({ HOOK_AUTH: 'oauth', OAUTH_ISSUER: 'https://x', OAUTH_AUDIENCE: 'a', OAUTH_SCOPE: 's' })).toThrow(
      UsageError,
    );
  });

  it('says in one line that a port is taken, and exits 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const run = await runDemo({ DEMO_PORT: String(port) });
    taken.close();
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toStrictEqual([
      `npm run demo: port ${port} on 127.0.0.1 (DEMO_PORT) is taken: free it, or set DEMO_PORT to another port (0 picks a free one)`,
    ]);
  });
});
