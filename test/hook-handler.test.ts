import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBasicCallerAuthenticator } from '../lambda/auth/basic-caller.ts';
import { loadConfig } from '../lambda/config.ts';
import { basicHeaderValue } from '../lambda/core/basic-auth.ts';
import type { CredentialSource, PatientStore } from '../lambda/core/ports.ts';
import { rotationCheckEventId } from '../lambda/core/hook-request.ts';
import { createHookHandler, MAX_BODY_BYTES } from '../lambda/hook.ts';
import { createRequestLog, stageMetricsNamespace } from '../lambda/observability.ts';
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
  /** Whether the in-memory store answers the health check's read. */
  readable?: false;
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
  { reason: 'HealthCheckPassed', status: 200, event: { method: 'GET', path: '/health' } },
  { reason: 'HealthCheckFailed', status: 503, readable: false, event: { method: 'GET', path: '/health' } },
  { reason: 'BodyTooLarge', status: 413, event: { body: 'x'.repeat(MAX_BODY_BYTES + 1), authorization: AUTHORIZATION } },
  // Counted in bytes, not characters: three-byte characters one over the limit, and one under (then read and refused as JSON).
  { reason: 'BodyTooLarge', status: 413, event: { body: '€'.repeat(Math.floor(MAX_BODY_BYTES / 3) + 1), authorization: AUTHORIZATION } },
  { reason: 'BadRequest', status: 400, event: { body: '€'.repeat(Math.floor(MAX_BODY_BYTES / 3)), authorization: AUTHORIZATION } },
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
    async checkReadable() {
      if (row.readable === false) throw new Error('the in-memory store is down');
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
    it(`${row.reason}: ${row.status}${row.event.body && row.event.body.length > 1000 ? ` (${row.event.body.length} characters)` : ''}`, async () => {
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

describe("a patient request's line", () => {
  it('is at most 320 bytes in a deployed stage, a warm call: every byte is billed on every request (bench/README.md, cost)', async () => {
    const lines: string[] = [];
    const handle = createHookHandler({
      config: loadConfig({ ...LOCAL_DEFAULTS }),
      store: { findPatient: async () => ({ patientId: '1235' }), checkReadable: async () => {} },
      caller: createBasicCallerAuthenticator({ acceptedCredentials: async () => [CREDENTIAL] }),
      log: capturedOutput().log,
      requests: createRequestLog({ namespace: stageMetricsNamespace('prod'), write: (line) => lines.push(line) }),
    });
    const event = hookEvent({ body: body(patient()), authorization: AUTHORIZATION });
    // Ids in AWS's forms: API Gateway's 16 characters, Lambda's UUID.
    event.requestContext.requestId = 'Jd3XqgxZIAMEV5Q=';
    for (let call = 0; call < 2; call++) expect((await handle(event, { awsRequestId: randomUUID() })).statusCode).toBe(200);
    const warm = lines[1] as string;
    expect(JSON.parse(warm)).toMatchObject({ reason: 'ClaimAdded', apiRequestId: 'Jd3XqgxZIAMEV5Q=' });
    expect(Buffer.byteLength(`${warm}\n`)).toBeLessThanOrEqual(320);
  });
});

describe('GET /health', () => {
  const healthy: PatientStore['checkReadable'] = async () => {};
  const TABLE_ERROR = 'Requested resource not found: Table: patients-eu-west-1 not found';

  function healthHook(
    checkReadable: PatientStore['checkReadable'],
    env: Record<string, string> = {},
    acceptedCredentials: CredentialSource['acceptedCredentials'] = async () => [CREDENTIAL],
  ) {
    const output = capturedOutput();
    const handle = createHookHandler({
      config: loadConfig({ ...LOCAL_DEFAULTS, ...env }),
      store: {
        findPatient: async () => {
          throw new Error('the health check reads no patient');
        },
        checkReadable,
      },
      // What the region holds to check Okta's calls with; the request's own credential plays no part.
      caller: createBasicCallerAuthenticator({ acceptedCredentials }),
      log: output.log,
      requests: output.requests,
    });
    const ask = async (options: HookEventOptions = {}) => {
      const answer = await handle(hookEvent({ method: 'GET', path: '/health', ...options }), { awsRequestId: 'in-memory' });
      return { status: answer.statusCode, headers: answer.headers, body: answer.body };
    };
    const line = () => JSON.parse(output.logs.at(-1) as string) as Record<string, unknown>;
    return { ask, line };
  }

  it('answers 200 {"status":"ok"} when the store answers its read, with no credential and whatever credential', async () => {
    const hook = healthHook(healthy);
    const ok = { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: '{"status":"ok"}' };
    expect(await hook.ask()).toStrictEqual(ok);
    expect(await hook.ask({ authorization: basicHeaderValue({ username: 'okta-hook', password: 'wrong' }) })).toStrictEqual(ok);
    expect(await hook.ask({ method: 'HEAD' })).toStrictEqual(ok);
  });

  it('answers 503 {"status":"unavailable"} when the read fails, and keeps the error for the log line alone', async () => {
    const hook = healthHook(async () => {
      throw Object.assign(new Error(TABLE_ERROR), { code: 'ResourceNotFoundException' });
    });
    const answer = await hook.ask();
    expect(answer).toStrictEqual({
      status: 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"status":"unavailable"}',
    });
    expect(hook.line()).toMatchObject({ level: 'ERROR', reason: 'HealthCheckFailed', status: 503, errorMessage: TABLE_ERROR });
  });

  it("answers 503 when the region cannot check Okta's credential (its replica of the Basic secret unreadable): it would refuse Okta's every call", async () => {
    const hook = healthHook(healthy, {}, async () => {
      throw Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { code: 'AccessDeniedException' });
    });
    expect(await hook.ask()).toMatchObject({ status: 503, body: '{"status":"unavailable"}' });
    expect(hook.line()).toMatchObject({ level: 'ERROR', reason: 'HealthCheckFailed', status: 503, errorCode: 'AccessDeniedException' });
  });

  it("answers 503 at the deadline when the Basic credential's read does not finish", async () => {
    const hook = healthHook(healthy, { STORE_TIMEOUT_MS: '50' }, () => new Promise(() => {}));
    expect((await hook.ask()).status).toBe(503);
    expect(hook.line()).toMatchObject({ reason: 'HealthCheckFailed', errorCode: 'DeadlineExceeded' });
  });

  it("leaves no read behind when the credential check fails first: the store's read ends, at the deadline, before the answer", async () => {
    let readEnded = false;
    const hook = healthHook(
      (deadline) =>
        new Promise<void>((_resolve, reject) =>
          deadline.addEventListener('abort', () => {
            readEnded = true;
            reject(deadline.reason);
          }),
        ),
      { STORE_TIMEOUT_MS: '50' },
      async () => {
        throw Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), {
          code: 'AccessDeniedException',
        });
      },
    );
    expect((await hook.ask()).status).toBe(503);
    expect(readEnded).toBe(true);
    expect(hook.line()).toMatchObject({ reason: 'HealthCheckFailed', errorCode: 'DeadlineExceeded' });
  });

  it("answers 503 at the store's deadline when the read does not finish, even from a store that ignores its signal", async () => {
    const hook = healthHook(() => new Promise<void>(() => {}), { STORE_TIMEOUT_MS: '50' });
    expect((await hook.ask()).status).toBe(503);
    expect(hook.line()).toMatchObject({ reason: 'HealthCheckFailed', errorCode: 'DeadlineExceeded' });
  });

  it("hands the store the request's deadline, which aborts the read", async () => {
    const hook = healthHook(
      (deadline) => new Promise<void>((_resolve, reject) => deadline.addEventListener('abort', () => reject(deadline.reason))),
      {
        STORE_TIMEOUT_MS: '50',
      },
    );
    expect((await hook.ask()).status).toBe(503);
    expect(hook.line()).toMatchObject({ reason: 'HealthCheckFailed', errorCode: 'DeadlineExceeded' });
  });

  it('refuses other methods with 405 and Allow', async () => {
    const answer = await healthHook(healthy).ask({ method: 'POST', body: '{}' });
    expect(answer).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
  });

  it('is at /health whatever HOOK_PATH is, and at the route API Gateway matched behind a mapping prefix', async () => {
    const hook = healthHook(healthy, { HOOK_PATH: '/hooks/okta' });
    expect((await hook.ask()).status).toBe(200);
    const mapped = hookEvent({ method: 'GET', path: '/patients/health' });
    const handle = createHookHandler({
      config: loadConfig({ ...LOCAL_DEFAULTS }),
      store: { findPatient: async () => undefined, checkReadable: healthy },
      caller: createBasicCallerAuthenticator({ acceptedCredentials: async () => [CREDENTIAL] }),
      log: capturedOutput().log,
      requests: capturedOutput().requests,
    });
    expect((await handle({ ...mapped, routeKey: 'GET /health' })).statusCode).toBe(200);
    expect((await handle(mapped)).statusCode).toBe(404);
  });

  it('is not traffic: the NoTraffic alarm counts neither of its outcomes', async () => {
    const { OKTA_CALL_OUTCOMES } = await import('../infra/hook-alarms.ts');
    expect(OKTA_CALL_OUTCOMES).not.toContain('HealthCheckPassed');
    expect(OKTA_CALL_OUTCOMES).not.toContain('HealthCheckFailed');
  });
});
