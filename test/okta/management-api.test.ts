import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOktaApi } from '../../lambda/okta/management-api.ts';

// What a proxy or a misconfigured org URL answers: a 200 that is not Okta's JSON.
const ANSWERS: Record<string, string> = {
  '/api/v1/users/me': '{"id": "00uKimSato1234567890", "profile": {"login": "kim.sato@example.com"}}',
  '/not-json': 'kim.sato@example.com,1235',
  '/cut-short': '{\n  "profile": {"login": "kim.sato@example.com"',
};

let server: Server;
let orgUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(ANSWERS[request.url ?? ''] ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const api = () => createOktaApi({ orgUrl, authorization: 'SSWS test-token', print: () => undefined });

describe('the Okta Management API client', () => {
  it('names the project, not one of its commands, as its user agent', async () => {
    await api().get('/api/v1/users/me');
    expect(seen.at(-1)?.['user-agent']).toMatch(/^okta-patient-token-hook\/\d+\.\d+/);
  });

  it('says an answer is not JSON, and where, without quoting it', async () => {
    await expect(api().get('/not-json')).rejects.toThrow(
      new Error('Okta answered 200 to GET /not-json with a body that is not valid JSON'),
    );
    await expect(api().get('/cut-short', { describeAs: 'GET /api/v1/users/{login}' })).rejects.toThrow(
      new Error('Okta answered 200 to GET /api/v1/users/{login} with a body that is not valid JSON at line 2, column 46'),
    );
  });
});
