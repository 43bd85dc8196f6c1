import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_DIR, BUNDLE_FILE } from '../../infra/bundles.ts';

describe('npm run build', () => {
  // Built by buildBundle(), npm run build's function, in test/support/build-bundle.global.ts.
  it('writes one ES module bundle that loads in a real ESM context and exports the handler', () => {
    expect(statSync(BUNDLE_FILE).size).toBeGreaterThan(0);
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(BUNDLE_FILE)}); console.log(typeof m.handler)`],
      {
        env: { PATH: process.env.PATH, PATIENTS_TABLE: 'patients', HOOK_USERNAME: 'u', HOOK_PASSWORD: 'p', LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );
    expect(output.trim()).toBe('function');
  });

  it('stops the function at start-up with a message naming a bad variable', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(BUNDLE_FILE)})`], {
        env: { PATH: process.env.PATH, PATIENTS_TABLE: 'patients', HOOK_USERNAME: 'u', HOOK_PASSWORD: 'p', CLAIM_NAME: 'sub' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(stderr).toContain('CLAIM_NAME "sub" is reserved by Okta in the id token');
  });

  it("loads OAuth mode's bearer check, a file of its own, from beside the entry, and checks a token with it", () => {
    const event = {
      version: '2.0',
      routeKey: 'POST /tokenHook',
      rawPath: '/tokenHook',
      headers: { authorization: 'Bearer not.a.token' },
      requestContext: { http: { method: 'POST', path: '/tokenHook' }, requestId: 'r', timeEpoch: Date.now() },
      body: '{}',
    };
    const child = `const { handler } = await import(${JSON.stringify(BUNDLE_FILE)});
      const answer = await handler(${JSON.stringify(event)}, { awsRequestId: 'a' });
      console.log(JSON.stringify({ status: answer.statusCode }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', child], {
      env: {
        PATH: process.env.PATH,
        PATIENTS_TABLE: 'patients',
        // A local store's plain-HTTP endpoint: init opens no connection to it.
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        HOOK_AUTH: 'oauth',
        // Nothing listens there: a malformed token is refused before any key is fetched.
        OAUTH_ISSUER: 'http://127.0.0.1:9/oauth2/hooks',
        OAUTH_AUDIENCE: 'api://hooks',
        OAUTH_SCOPE: 'okta.hooks',
        OAUTH_CLIENT_ID: '0oa1hookclient',
      },
      encoding: 'utf8',
    });
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Loaded at init (no "credential not loaded" line), and the token refused by it, not for want of it.
    expect(lines).toStrictEqual([expect.objectContaining({ reason: 'Unauthorized', detail: 'TokenMalformed' }), { status: 401 }]);
  });

  it('needs no require(): no createRequire shim and no call in the entry or its chunks', () => {
    for (const file of readdirSync(BUNDLE_DIR)) {
      const code = readFileSync(join(BUNDLE_DIR, file), 'utf8');
      expect(code, file).not.toContain('createRequire');
      expect(code, file).not.toMatch(/\brequire\(/);
    }
  });
});
