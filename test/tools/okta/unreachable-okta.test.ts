import { describe, expect, it } from 'vitest';
import { runExecuteCommand } from '../../../tools/okta/execute-command.ts';
import { runRegisterCommand } from '../../../tools/okta/register-command.ts';
import { freePort } from '../../support/npm-start.ts';
import { capturedIo } from '../support/captured-io.ts';

const REGISTER = ['--url', 'https://hook.example.com/tokenHook', '--authorization', 'Basic YWRtaW46c3VwZXJzZWNyZXQ='];

/** fetch as it fails in Node.js: a TypeError "fetch failed" whose cause holds the system error. */
const failingFetch =
  (cause: unknown): typeof fetch =>
  async () => {
    throw new TypeError('fetch failed', { cause });
  };

describe('okta:register and okta:execute when Okta cannot be reached', () => {
  it('name the org and ECONNREFUSED in one line, exit 1, for a closed port', async () => {
    const orgUrl = `http://127.0.0.1:${await freePort()}`;
    const register = capturedIo({ env: { OKTA_ORG_URL: orgUrl, OKTA_API_TOKEN: 'token' } });
    const execute = capturedIo({ env: { OKTA_ORG_URL: orgUrl, OKTA_API_TOKEN: 'token' } });
    expect(await runRegisterCommand(REGISTER, register)).toBe(1);
    expect(await runExecuteCommand([], execute)).toBe(1);
    expect(register.err()).toBe(`error: cannot reach ${orgUrl}: ECONNREFUSED\n`);
    expect(execute.err()).toBe(`error: cannot reach ${orgUrl}: ECONNREFUSED\n`);
  });

  it.each([
    [
      'a name that does not resolve',
      failingFetch(Object.assign(new Error('getaddrinfo ENOTFOUND dev-1.okta.com'), { code: 'ENOTFOUND' })),
      'ENOTFOUND',
    ],
    [
      'a certificate Node.js refuses',
      failingFetch(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })),
      'CERT_HAS_EXPIRED',
    ],
    ['a cause without a code', failingFetch(new Error('unexpected redirect')), 'unexpected redirect'],
    [
      'no answer in time',
      (async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      }) as typeof fetch,
      'no answer within 10 s',
    ],
  ])('name the org and the cause for %s', async (_case, fetch, cause) => {
    const io = capturedIo({ env: { OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_API_TOKEN: 'token' } });
    expect(await runRegisterCommand(REGISTER, io, { fetch })).toBe(1);
    expect(io.err()).toBe(`error: cannot reach https://dev-1.okta.com: ${cause}\n`);
  });
});
