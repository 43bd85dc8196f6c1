import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookHandler } from '../lambda/hook.ts';
import { loadFixture } from './support/fixtures.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from './support/local-hook.ts';

/**
 * What a Lambda function URL (auth type NONE) sends for Okta's call: payload format 2.0, as in AWS's
 * "Invoking Lambda function URLs" request payload. Unlike API Gateway's: routeKey `$default`, no stage
 * prefix, accountId `anonymous`, the URL id as apiId, headers as the client sent them (lower-cased),
 * and the body base64-encoded when the content type is not text (Okta's is JSON, so as is).
 */
const functionUrlEvent = (path: string, body: string, isBase64Encoded = false): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: {
    accept: 'application/json',
    authorization: LOCAL_AUTHORIZATION,
    'content-length': String(Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8')),
    'content-type': 'application/json',
    host: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
    'user-agent': 'Okta Hooks',
    'x-amzn-trace-id': 'Root=1-6762f2d7-0d8fb8a96d2c4ed73ab8a8e1',
    'x-forwarded-for': '44.234.52.112',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  },
  requestContext: {
    accountId: 'anonymous',
    apiId: 'abcdefghijklmnopqrstuvwxyz012345',
    domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
    domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
    http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '44.234.52.112', userAgent: 'Okta Hooks' },
    requestId: 'c0ffee00-0000-4000-8000-000000000002',
    routeKey: '$default',
    stage: '$default',
    time: '01/Dec/2026:12:00:00 +0000',
    timeEpoch: Date.now(),
  },
  body,
  isBase64Encoded,
});

describe('the hook behind a Lambda function URL', () => {
  let stack: LocalHook;
  let handle: HookHandler;
  beforeAll(async () => {
    stack = await startLocalHook();
    handle = stack.handle;
  });
  afterAll(() => stack.close());

  const patientRequest = JSON.stringify(loadFixture('okta-example-patient'));

  it("adds the claim for Okta's example patient from the function URL's event", async () => {
    const answer = await handle(functionUrlEvent('/tokenHook', patientRequest));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body as string).commands[0].value[0]).toStrictEqual({
      op: 'add',
      path: '/claims/extPatientId',
      value: '1235',
    });
  });

  it("logs Lambda's request id once: a function URL's event carries the same id", async () => {
    const before = stack.logs.length;
    await handle(functionUrlEvent('/tokenHook', patientRequest), { awsRequestId: 'c0ffee00-0000-4000-8000-000000000002' });
    const [line] = stack.logs.slice(before).map((text) => JSON.parse(text));
    expect(line).toMatchObject({ reason: 'ClaimAdded', requestId: 'c0ffee00-0000-4000-8000-000000000002' });
    expect(line).not.toHaveProperty('apiRequestId');
  });

  it('reads a base64-encoded body as the function URL would send one', async () => {
    const answer = await handle(functionUrlEvent('/tokenHook', Buffer.from(patientRequest).toString('base64'), true));
    expect(JSON.parse(answer.body as string).commands[0].value[0].value).toBe('1235');
  });

  it('answers only its path: the URL serves every path, and the hook refuses the others with 404', async () => {
    expect((await handle(functionUrlEvent('/', patientRequest))).statusCode).toBe(404);
    expect((await handle(functionUrlEvent('/tokenHook/extra', patientRequest))).statusCode).toBe(404);
  });
});
