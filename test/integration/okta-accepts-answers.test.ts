import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeHookResponse, type Judgement } from '../../tools/okta/response-judge.ts';
import { buildHookRequest, type RequestShape } from '../../tools/okta/request-shapes.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Sends a request through the local hook and judges the answer by Okta's rules, all but the clock: how
 * long this machine took is not the hook's answer (every answer leaves by the request's deadline,
 * test/request-deadline.test.ts; the judge's 3 s rule is test/tools/okta/response-judge.test.ts's).
 */
async function judgeThroughHook(hook: LocalHook, request: Record<string, any>): Promise<Judgement> {
  const reply = await sendToHook(hook, request);
  return judgeHookResponse({ request, status: reply.status, body: reply.text, elapsedMs: 0 });
}

describe('Okta accepts every answer of the hook as npm start runs it', () => {
  let hook: LocalHook;
  beforeAll(async () => {
    hook = await startLocalHook();
  });
  afterAll(() => hook.close());

  it.each<[RequestShape, string | undefined]>([
    ['example', '1235'],
    ['preview-edited', '4235'],
    ['refresh', '6789'],
  ])('applies the claim for a patient: %s', async (shape, patientId) => {
    const request = buildHookRequest(shape);
    const judgement = await judgeThroughHook(hook, request);
    expect(judgement.verdict).toBe('applied');
    expect(judgement.idTokenClaims).toStrictEqual({ ...request.data.identity.claims, extPatientId: patientId });
    expect(judgement.accessTokenClaims).toStrictEqual(request.data.access.claims);
  });

  it.each<[RequestShape, string | undefined]>([
    ['example', 'nobody@example.com'],
    ['refresh', 'nobody@example.com'],
    ['preview', undefined],
    ['client-credentials', undefined],
  ])('mints unchanged when there is nothing to add: %s %s', async (shape, user) => {
    const judgement = await judgeThroughHook(hook, buildHookRequest(shape, user));
    expect(judgement.verdict).toBe('unchanged');
  });
});

describe('Okta accepts the answers of other configurations', () => {
  it('applies both patches with CLAIM_TOKENS=both, and only the access patch when no ID token is minted', async () => {
    const hook = await startLocalHook({ env: { CLAIM_TOKENS: 'both' } });
    try {
      const signIn = await judgeThroughHook(hook, buildHookRequest('example'));
      expect(signIn.verdict).toBe('applied');
      expect(signIn.idTokenClaims?.extPatientId).toBe('1235');
      expect(signIn.accessTokenClaims?.extPatientId).toBe('1235');

      const preview = await judgeThroughHook(hook, buildHookRequest('preview'));
      expect(preview.verdict).toBe('applied');
      expect(preview.idTokenClaims).toBeUndefined();
      expect(preview.accessTokenClaims?.extPatientId).toBe('6789');
    } finally {
      await hook.close();
    }
  });

  it('with CLAIM_TOKENS=access and another claim name, patches the access token only', async () => {
    const hook = await startLocalHook({ env: { CLAIM_TOKENS: 'access', CLAIM_NAME: 'https://clinic.example/patient' } });
    try {
      const judgement = await judgeThroughHook(hook, buildHookRequest('refresh'));
      expect(judgement.verdict).toBe('applied');
      expect(judgement.accessTokenClaims?.['https://clinic.example/patient']).toBe('6789');
      expect(judgement.idTokenClaims).not.toHaveProperty('https://clinic.example/patient');
    } finally {
      await hook.close();
    }
  });

  it('fails the sign-in on purpose with FAILURE_MODE=closed when the store is down, with the configured message', async () => {
    const hook = await startLocalHook({
      env: { FAILURE_MODE: 'closed', FAILURE_MESSAGE: 'Patient records are offline', STORE_TIMEOUT_MS: '200' },
      storeEndpoint: `http://127.0.0.1:${await closedPort()}`,
    });
    try {
      const judgement = await judgeThroughHook(hook, buildHookRequest('example'));
      expect(judgement).toMatchObject({ verdict: 'sign-in-fails', errorSummary: 'Patient records are offline' });
    } finally {
      await hook.close();
    }
  });
});
