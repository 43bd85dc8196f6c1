import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBasicCallerAuthenticator } from '../lambda/auth/basic-caller.ts';
import { loadConfig } from '../lambda/config.ts';
import { basicHeaderValue } from '../lambda/core/basic-auth.ts';
import type { PatientStore } from '../lambda/core/ports.ts';
import { rotationCheckEventId } from '../lambda/core/hook-request.ts';
import { createHookHandler, MAX_BODY_BYTES } from '../lambda/hook.ts';
import { loadFixture } from './support/fixtures.ts';
import { capturedOutput, countedMetrics, hookEvent, type HookEventOptions } from './reliability/support/in-process.ts';
import { LOCAL_DEFAULTS } from '../tools/cli/local-target.ts';

// createHookHandler itself, with in-memory ports: one row for each reason the hook can give, so a new
// reason without a row fails the last test. Over HTTP and against the embedded store, see test/integration.
const CREDENTIAL = { username: 'okta-hook', password: 'in-memory-credential', version: { id: 'v2', stage: 'AWSCURRENT' as const } };
const PENDING = { username: 'okta-hook', password: 'pending-credential', version: { id: 'v3', stage: 'AWSPENDING' as const } };
const AUTHORIZATION = basicHeaderValue(CREDENTIAL);

const patient = () => loadFixture('okta-example-patient');
const body = (request: object) => JSON.stringify(request);
const withoutUser = () => {
  const request = patient();
  delete request.data.context.user;
  delete request.data.context.session;
  delete request.data.identity.claims.preferred_username;
  delete request.data.access.claims.sub;
  return request;
};
const withLogin = (login: string) => {
  const request = patient();
  request.data.context.user.profile.login = login;
  return request;
};

interface Row {
  reason: string;
  status: number;
  event: HookEventOptions;
  /** What the in-memory store answers for jessie.smith (the example's user); throws for StoreFailure. */
  stored?: 'patient' | 'none' | 'invalid' | 'fails';
  credentials?: 'fail';
  hashUser?: 'throws';
  env?: Record<string, string>;
}

const ROWS: Row[] = [
  { reason: 'ClaimAdded', status: 200, event: { body: body(patient()), authorization: AUTHORIZATION } },
  { reason: 'NotAPatient', status: 204, stored: 'none', event: { body: body(patient()), authorization: AUTHORIZATION } },
  { reason: 'InvalidPatientRecord', status: 204, stored: 'invalid', event: { body: body(patient()), authorization: AUTHORIZATION } },
  { reason: 'StoreFailure', status: 204, stored: 'fails', event: { body: body(patient()), authorization: AUTHORIZATION } },
  {
    reason: 'NoTokenToPatch',
    status: 204,
    env: { CLAIM_TOKENS: 'id' },
    event: { body: body(loadFixture('client-credentials')), authorization: AUTHORIZATION },
  },
  { reason: 'NoUserKey', status: 204, event: { body: body(withoutUser()), authorization: AUTHORIZATION } },
  { reason: 'InvalidUserKey', status: 204, event: { body: body(withLogin(' kim.sato@example.com')), authorization: AUTHORIZATION } },
  { reason: 'BadRequest', status: 400, event: { body: '{"not":"a hook request"', authorization: AUTHORIZATION } },
  {
    reason: 'EventTimeOutOfRange',
    status: 400,
    env: { MAX_EVENT_AGE_SECONDS: '60' },
    event: { body: body({ ...patient(), eventTime: '2019-01-01T00:00:00.000Z' }), authorization: AUTHORIZATION },
  },
  {
    reason: 'Unauthorized',
    status: 401,
    event: { body: body(patient()), authorization: basicHeaderValue({ username: 'okta-hook', password: 'wrong' }) },
  },
  {
    reason: 'CredentialSourceUnavailable',
    status: 401,
    credentials: 'fail',
    event: { body: body(patient()), authorization: AUTHORIZATION },
  },
  { reason: 'RouteNotFound', status: 404, event: { body: body(patient()), authorization: AUTHORIZATION, path: '/elsewhere' } },
  { reason: 'MethodNotAllowed', status: 405, event: { authorization: AUTHORIZATION, method: 'GET' } },
  { reason: 'BodyTooLarge', status: 413, event: { body: 'x'.repeat(MAX_BODY_BYTES + 1), authorization: AUTHORIZATION } },
  { reason: 'UnexpectedError', status: 204, hashUser: 'throws', event: { body: body(patient()), authorization: AUTHORIZATION } },
  {
    reason: 'RotationCheckPassed',
    status: 200,
    event: { body: body({ ...patient(), eventId: rotationCheckEventId('v3') }), authorization: basicHeaderValue(PENDING) },
  },
];

async function answer(row: Row) {
  const stored = row.stored ?? 'patient';
  const store: PatientStore = {
    async findPatient() {
      if (stored === 'fails') throw new Error('the in-memory store is down');
      if (stored === 'none') return undefined;
      return { patientId: stored === 'invalid' ? { N: '1235' } : '1235' };
    },
  };
  const output = capturedOutput();
  const handle = createHookHandler({
    config: loadConfig({ ...LOCAL_DEFAULTS, ...row.env }),
    store,
    caller: createBasicCallerAuthenticator({
      acceptedCredentials: async () => {
        if (row.credentials === 'fail') throw new Error('the credential source is down');
        return [CREDENTIAL, PENDING];
      },
    }),
    log: output.log,
    requests: output.requests,
    ...(row.hashUser === 'throws'
      ? {
          hashUser: () => {
            throw new Error('a bug');
          },
        }
      : {}),
  });
  const result = await handle(hookEvent(row.event), { awsRequestId: 'in-memory' });
  return { status: result.statusCode, reasons: countedMetrics(output.logs) };
}

describe('createHookHandler, reason by reason', () => {
  for (const row of ROWS) {
    it(`${row.reason}: ${row.status}`, async () => {
      expect(await answer(row)).toStrictEqual({ status: row.status, reasons: [row.reason] });
    });
  }

  it('has a row for every reason the hook and its caller checks give', () => {
    const sources = ['../lambda/hook.ts', '../lambda/auth/basic-caller.ts', '../lambda/core/patient-record.ts'];
    const reasons = new Set(
      sources.flatMap((source) =>
        [...readFileSync(new URL(source, import.meta.url), 'utf8').matchAll(/(?:reason|problem): '([A-Za-z]+)'/g)].map(
          (match) => match[1]!,
        ),
      ),
    );
    expect(reasons.size).toBeGreaterThan(10);
    expect([...reasons].filter((reason) => !ROWS.some((row) => row.reason === reason))).toStrictEqual([]);
  });
});
