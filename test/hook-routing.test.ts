import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookHandler } from '../lambda/hook.ts';
import { loadFixture } from './support/fixtures.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from './support/local-hook.ts';

// The events API Gateway sends when the API sits behind a custom domain mapped at /patients.
const mappedEvent = (routeKey: string, path: string, method = 'POST'): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey,
  rawPath: path,
  rawQueryString: '',
  headers: { authorization: LOCAL_AUTHORIZATION, 'content-type': 'application/json' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'hooks.example.org',
    domainPrefix: 'hooks',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'Okta' },
    requestId: 'req-1',
    routeKey,
    stage: '$default',
    time: '29/Nov/2026:06:00:00 +0000',
    timeEpoch: Date.now(),
  },
  body: JSON.stringify(loadFixture('okta-example-patient')),
  isBase64Encoded: false,
});

describe('the route check behind a custom domain mapping', () => {
  let stack: LocalHook;
  let handle: HookHandler;
  beforeAll(async () => {
    stack = await startLocalHook();
    handle = stack.handle;
  });
  afterAll(() => stack.close());

  it('answers the route API Gateway matched, whatever prefix the path carries', async () => {
    const answer = await handle(mappedEvent('POST /tokenHook', '/patients/tokenHook'));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body as string).commands[0].value[0].value).toBe('1235');
  });

  it('answers the health check at its route, whatever prefix the path carries', async () => {
    const answer = await handle({ ...mappedEvent('GET /health', '/patients/health', 'GET'), headers: {} });
    expect(answer).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' });
  });

  it('still refuses another route with 404', async () => {
    expect((await handle(mappedEvent('$default', '/patients/tokenHook'))).statusCode).toBe(404);
  });
});
