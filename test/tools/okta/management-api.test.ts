import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOktaApi } from '../../../tools/okta/management-api.ts';

const ANSWERS: Record<string, string> = {
  '/api/v1/users/me': '{"id": "00uKimSato1234567890", "profile": {"login": "kim.sato@example.com"}}',
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
});
