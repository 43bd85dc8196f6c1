import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DEFAULT_HOOK_PATH } from '../../lambda/config.ts';

/** The local credential (local/local-environment.ts), which every bench process is given. */
export const BENCH_CREDENTIAL = { username: 'admin', password: 'supersecret' } as const;
export const BENCH_AUTHORIZATION = `Basic ${Buffer.from(`${BENCH_CREDENTIAL.username}:${BENCH_CREDENTIAL.password}`).toString('base64')}`;

export interface BenchCase {
  /** What the case is, for messages; never a figure. */
  label: string;
  body: string;
  status: number;
  /** The exact body expected back ('' for none). */
  expectedBody: string;
}

const PATIENT_FIXTURE = new URL('../../examples/okta-example-patient.json', import.meta.url);

/** Okta's published example for a patient (jessie.smith@example.com, patient 1235), as Okta sends it. */
export function patientRequestBody(): string {
  return readFileSync(PATIENT_FIXTURE, 'utf8');
}

/** The published example sent for another login: every field that names the user is changed. */
export function requestBodyFor(login: string): string {
  const request = JSON.parse(patientRequestBody());
  request.data.context.user.profile.login = login;
  request.data.context.session.login = login;
  request.data.identity.claims.preferred_username = login;
  request.data.identity.claims.email = login;
  request.data.access.claims.sub = login;
  request.data.access.claims.preferred_username = login;
  return JSON.stringify(request);
}

/** What the hook must answer for a patient with the default claim settings (ID token, extPatientId). */
export function claimAnswer(patientId: string): string {
  return JSON.stringify({
    commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }],
  });
}

/**
 * The load mix: the sample patients of local/patients-table.ts (one with its login in mixed case, which
 * must still match) and as many users who are not patients.
 */
export function loadMix(): BenchCase[] {
  const patient = (label: string, login: string, patientId: string): BenchCase => ({
    label,
    body: requestBodyFor(login),
    status: 200,
    expectedBody: claimAnswer(patientId),
  });
  const stranger = (login: string): BenchCase => ({
    label: `not a patient (${login})`,
    body: requestBodyFor(login),
    status: 204,
    expectedBody: '',
  });
  return [
    patient('patient 1235', 'jessie.smith@example.com', '1235'),
    stranger('alex.doe@example.com'),
    patient('patient 6789, mixed-case login', 'Kim.Sato@Example.com', '6789'),
    stranger('sam.lee@example.com'),
    patient('patient 4235', 'rajiv.tal@example.com', '4235'),
    stranger('taylor.kim@example.com'),
  ];
}

/** An HTTP API request id in API Gateway's form; the hook's request line carries it as `apiRequestId`. */
export const API_GATEWAY_REQUEST_ID = 'Jd3XqgxZIAMEV5Q=';

/** The API Gateway HTTP API (payload v2) event that carries one Okta call, as local/ builds it. */
export function hookEvent(body: string, authorization: string = BENCH_AUTHORIZATION): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: DEFAULT_HOOK_PATH,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      authorization,
      'content-length': String(Buffer.byteLength(body)),
      'content-type': 'application/json',
      host: 'hook.example.com',
      'user-agent': 'Okta Hooks',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'hook.example.com',
      domainPrefix: 'hook',
      http: { method: 'POST', path: DEFAULT_HOOK_PATH, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'Okta Hooks' },
      requestId: API_GATEWAY_REQUEST_ID,
      routeKey: '$default',
      stage: '$default',
      time: '15/Jan/2019:23:20:47 +0000',
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}
