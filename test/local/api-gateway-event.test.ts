import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiGatewayServer } from '../../local/api-gateway-server.ts';

describe('the local API Gateway adapter', () => {
  const events: APIGatewayProxyEventV2[] = [];
  const server = createApiGatewayServer(async (event) => {
    events.push(event);
    return { statusCode: 201, headers: { 'x-answer': 'yes' }, body: Buffer.from([0, 1, 2]).toString('base64'), isBase64Encoded: true };
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends an event that Powertools accepts as API Gateway payload v2', async () => {
    await fetch(`${base}/tokenHook?a=1&a=2&b=x`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'One', cookie: 'c1=v1; c2=v2' },
      body: '{"hello":"wörld"}',
    });
    const event = events.at(-1) as APIGatewayProxyEventV2;
    expect(() => APIGatewayProxyEventV2Schema.parse(event)).not.toThrow();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/tokenHook',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x' },
      body: '{"hello":"wörld"}',
      isBase64Encoded: false,
      requestContext: { stage: '$default', http: { method: 'POST', path: '/tokenHook', sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['x-custom']).toBe('One');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it('base64-encodes a binary body, as API Gateway does', async () => {
    await fetch(`${base}/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([255, 0, 1]),
    });
    const event = events.at(-1) as APIGatewayProxyEventV2;
    expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from([255, 0, 1]).toString('base64'));
  });

  it('sends a request without a body as an event without one', async () => {
    await fetch(`${base}/tokenHook`);
    const event = events.at(-1) as APIGatewayProxyEventV2;
    expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);
    expect(event.body).toBeUndefined();
    expect(event.requestContext.http.method).toBe('GET');
  });

  it('turns the handler result into the HTTP answer, decoding a base64 body', async () => {
    const response = await fetch(`${base}/anything`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(new Uint8Array(await response.arrayBuffer())).toStrictEqual(new Uint8Array([0, 1, 2]));
  });
});

describe('the local API Gateway adapter under a burst', () => {
  it('hands the handler no more events at once than it is told, and answers every request', async () => {
    let running = 0;
    let most = 0;
    const server = createApiGatewayServer(
      async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return { statusCode: 204 };
      },
      { concurrency: 3 },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tokenHook`;
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(url, { method: 'POST', body: '{}' }).then((response) => response.status)),
      );
      expect(statuses).toStrictEqual(Array(20).fill(204));
      expect(most).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
