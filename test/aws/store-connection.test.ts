import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, postOnce } from '../../lambda/aws/http-transport.ts';
import { wireHookFromEnvironment } from '../../lambda/wiring.ts';
import { createJsonLogger, noRequestLog } from '../../lambda/observability.ts';

// A stand-in for a service endpoint: answers the root as DynamoDB does, and counts connections and requests.
let server: Server;
let url: URL;
const connections: unknown[] = [];
const requests: Array<{ method: string; path: string; connection: number }> = [];
beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', connection: connections.indexOf(request.socket) });
    request.resume();
    request.on('end', () => response.end(request.method === 'GET' ? 'healthy: dynamodb.us-east-1.amazonaws.com ' : '{}'));
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the store connection opened during init', () => {
  it('is the one the first call then uses: the root read once, then the call on the same connection', async () => {
    await openConnection(url, AbortSignal.timeout(2000));
    const answer = await postOnce(url, { 'content-type': 'application/x-amz-json-1.0' }, '{}', AbortSignal.timeout(2000));
    expect(answer).toStrictEqual({ status: 200, body: '{}' });
    expect(connections).toHaveLength(1);
    expect(requests).toStrictEqual([
      { method: 'GET', path: '/', connection: 0 },
      { method: 'POST', path: '/', connection: 0 },
    ]);
  });

  it('is opened in AWS, where the endpoint is https, and not for a local store on plain HTTP', () => {
    const env = {
      PATIENTS_TABLE: 'patients',
      HOOK_USERNAME: 'okta-hook',
      HOOK_PASSWORD: 'the-password-okta-sends',
      AWS_REGION: 'us-east-1',
    };
    const overrides = { log: createJsonLogger({ level: 'silent', service: 'test' }), requests: noRequestLog };
    expect(wireHookFromEnvironment(env, overrides).openStoreConnection).toBeTypeOf('function');
    expect(wireHookFromEnvironment({ ...env, AWS_ENDPOINT_URL_DYNAMODB: url.href }, overrides).openStoreConnection).toBeUndefined();
  });
});
