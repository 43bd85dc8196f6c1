import { describe, expect, it } from 'vitest';
import { judgeHookResponse, type HookExchange } from '../../../tools/okta/response-judge.ts';
import { buildHookRequest } from '../../../tools/okta/request-shapes.ts';

const signIn = () => buildHookRequest('example');
const previewWithoutIdentity = () => buildHookRequest('preview');
const clientCredentials = () => buildHookRequest('client-credentials');

const ID = 'com.okta.identity.patch';
const ACCESS = 'com.okta.access.patch';

function answer(commands: unknown, request: unknown = signIn(), extra: Partial<HookExchange> = {}) {
  return judgeHookResponse({ request, status: 200, body: JSON.stringify({ commands }), elapsedMs: 40, ...extra });
}
const patch = (type: string, ...value: unknown[]) => [{ type, value }];

describe('judgeHookResponse: Okta applies', () => {
  it('adds a claim to the ID token and leaves the access token as requested', () => {
    const request = signIn();
    const judgement = answer(patch(ID, { op: 'add', path: '/claims/extPatientId', value: '1235' }), request);
    expect(judgement.verdict).toBe('applied');
    expect(judgement.reasons).toStrictEqual(['add /claims/extPatientId in the ID token']);
    expect(judgement.idTokenClaims).toStrictEqual({ ...request.data.identity.claims, extPatientId: '1235' });
    expect(judgement.accessTokenClaims).toStrictEqual(request.data.access.claims);
    expect(judgement.changes).toStrictEqual([{ token: 'id', op: 'add', path: '/claims/extPatientId', claim: 'extPatientId' }]);
  });

  it('patches both tokens, replaces and removes existing claims, and changes a lifetime within range', () => {
    const judgement = answer([
      {
        type: ID,
        value: [
          { op: 'replace', path: '/claims/name', value: 'Pat' },
          { op: 'remove', path: '/claims/email' },
        ],
      },
      {
        type: ACCESS,
        value: [
          { op: 'add', path: '/claims/roles', value: ['reader'] },
          { op: 'add', path: '/claims/roles/-', value: 'writer' },
        ],
      },
      { type: ACCESS, value: [{ op: 'replace', path: '/token/lifetime/expiration', value: 300 }] },
    ]);
    expect(judgement.verdict).toBe('applied');
    expect(judgement.idTokenClaims?.name).toBe('Pat');
    expect(judgement.idTokenClaims).not.toHaveProperty('email');
    expect(judgement.accessTokenClaims?.roles).toStrictEqual(['reader', 'writer']);
    expect(judgement.lifetimes).toStrictEqual({ id: 3600, access: 300 });
    expect(judgement.changes.find((change) => change.op === 'remove')?.previous).toBe('jessie.smith@example.com');
  });

  it('reads claim names through JSON pointer escapes', () => {
    const judgement = answer(patch(ID, { op: 'add', path: '/claims/https:~1~1example.com~1patient', value: '1' }));
    expect(judgement.idTokenClaims?.['https://example.com/patient']).toBe('1');
  });

  it('never changes the request it judges', () => {
    const request = signIn();
    const before = structuredClone(request);
    answer(patch(ID, { op: 'add', path: '/claims/extPatientId', value: '1235' }), request);
    expect(request).toStrictEqual(before);
  });
});

describe('judgeHookResponse: Okta mints unchanged', () => {
  it.each([
    ['a 204', { status: 204, body: '' }],
    ['a 200 without commands', { status: 200, body: '{}' }],
    ['a 200 with an empty commands list', { status: 200, body: '{"commands":[]}' }],
  ])('for %s', (_name, reply) => {
    const request = signIn();
    const judgement = judgeHookResponse({ request, elapsedMs: 10, ...reply });
    expect(judgement.verdict).toBe('unchanged');
    expect(judgement.idTokenClaims).toStrictEqual(request.data.identity.claims);
    expect(judgement.changes).toStrictEqual([]);
  });

  it('reports no ID token when the request mints none', () => {
    const judgement = judgeHookResponse({ request: clientCredentials(), status: 204, body: '', elapsedMs: 10 });
    expect(judgement.idTokenClaims).toBeUndefined();
    expect(judgement.accessTokenClaims?.sub).toBe('0oaServiceClient123');
  });
});

describe('judgeHookResponse: sign-in fails', () => {
  it('on Okta’s error object, with the summary users see', () => {
    const judgement = judgeHookResponse({ request: signIn(), status: 200, body: '{"error":{"errorSummary":"Try later"}}', elapsedMs: 10 });
    expect(judgement).toMatchObject({ verdict: 'sign-in-fails', errorSummary: 'Try later' });
    expect(judgement.idTokenClaims).toBeUndefined();
  });

  it('on an error object without a summary, and ignores commands next to it', () => {
    const body = JSON.stringify({ error: {}, commands: patch(ID, { op: 'add', path: '/claims/x', value: '1' }) });
    const judgement = judgeHookResponse({ request: signIn(), status: 200, body, elapsedMs: 10 });
    expect(judgement.verdict).toBe('sign-in-fails');
    expect(judgement.errorSummary).toBeUndefined();
    expect(judgement.reasons.join('\n')).toMatch(/generic text[\s\S]*ignored/);
  });
});

describe('judgeHookResponse: Okta drops the patch', () => {
  const add = (path: string, value: unknown = '1') => ({ op: 'add', path, value });
  it.each([
    [
      'an identity patch when no ID token is being minted',
      () => answer(patch(ID, add('/claims/x')), previewWithoutIdentity()),
      /ID token, which this request is not minting \(no data\.identity\)/,
    ],
    [
      'an access patch when no access token is being minted',
      () => answer(patch(ACCESS, add('/claims/x')), { data: { identity: { claims: {} } } }),
      /access token, which this request is not minting/,
    ],
    [
      'a claim reserved in both tokens',
      () => answer(patch(ACCESS, add('/claims/iss'))),
      /"iss" is a claim Okta reserves in the access token/,
    ],
    ['a claim reserved in the ID token', () => answer(patch(ID, add('/claims/sub'))), /"sub" is a claim Okta reserves in the ID token/],
    [
      'a claim reserved in the access token',
      () => answer(patch(ACCESS, { op: 'replace', path: '/claims/uid', value: 'x' })),
      /"uid" is a claim Okta reserves/,
    ],
    [
      'a replace of a claim the token does not have',
      () => answer(patch(ID, { op: 'replace', path: '/claims/extPatientId', value: '1' })),
      /replace \/claims\/extPatientId: the ID token has no claim "extPatientId"/,
    ],
    [
      'a remove of a claim the token does not have',
      () => answer(patch(ID, { op: 'remove', path: '/claims/extPatientId' })),
      /remove \/claims\/extPatientId: the ID token has no claim/,
    ],
    ['a path outside /claims and the lifetime', () => answer(patch(ID, add('/extPatientId'))), /a path is \/claims\/<name>/],
    ['a path with no claim name', () => answer(patch(ID, add('/claims/'))), /a path is \/claims\/<name>/],
    ['a path that is not a JSON pointer', () => answer(patch(ID, add('/claims/a~2b'))), /a path is \/claims\/<name>/],
    ['a path into a claim that does not exist', () => answer(patch(ID, add('/claims/address/street'))), /its parent does not exist/],
    [
      'an array index past the end',
      () => answer(patch(ID, add('/claims/roles', ['a']), add('/claims/roles/2'))),
      /index 2 is past the end/,
    ],
    ['a remove with a value', () => answer(patch(ID, { op: 'remove', path: '/claims/name', value: 'x' })), /remove takes none/],
    ['an add without a value', () => answer(patch(ID, { op: 'add', path: '/claims/x' })), /has no value/],
    [
      'a value that is neither string, number, object nor array',
      () => answer(patch(ID, add('/claims/x', null))),
      /must be a string, number, object or array/,
    ],
    [
      'an op Okta does not know',
      () => answer(patch(ID, { op: 'move', from: '/claims/a', path: '/claims/b' })),
      /op "move" is not add, replace or remove/,
    ],
    [
      'an add of the lifetime',
      () => answer(patch(ID, add('/token/lifetime/expiration', 600))),
      /only replace can change a token's lifetime/,
    ],
    [
      'a lifetime under 300 s',
      () => answer(patch(ID, { op: 'replace', path: '/token/lifetime/expiration', value: 299 })),
      /299 is outside 300\.\.86400/,
    ],
    [
      'a lifetime over 86400 s',
      () => answer(patch(ACCESS, { op: 'replace', path: '/token/lifetime/expiration', value: 86_401 })),
      /86401 is outside/,
    ],
    [
      'a lifetime that is not whole seconds',
      () => answer(patch(ACCESS, { op: 'replace', path: '/token/lifetime/expiration', value: '3600' })),
      /"3600" is outside/,
    ],
    [
      'a command type Okta does not know',
      () => answer([{ type: 'com.okta.tokens.patch', value: [] }]),
      /"com\.okta\.tokens\.patch" is not com\.okta\.identity\.patch/,
    ],
    ['a command value that is not a list', () => answer([{ type: ID, value: { op: 'add' } }]), /value is not an array of operations/],
    ['commands that are not a list', () => answer({ type: ID }), /"commands" is not an array/],
    [
      'an error that is not an object',
      () => judgeHookResponse({ request: signIn(), status: 200, body: '{"error":"no"}', elapsedMs: 1 }),
      /"error" is not an object/,
    ],
    [
      'a body that is not JSON',
      () => judgeHookResponse({ request: signIn(), status: 200, body: '<html>', elapsedMs: 1 }),
      /not valid JSON: Okta logs "Could not deserialize inline hook response"/,
    ],
    ['an empty 200', () => judgeHookResponse({ request: signIn(), status: 200, body: '', elapsedMs: 1 }), /not valid JSON/],
    [
      'a JSON body that is not an object',
      () => judgeHookResponse({ request: signIn(), status: 200, body: '[]', elapsedMs: 1 }),
      /not a JSON object/,
    ],
    [
      'a body over 256 KB',
      () => answer(patch(ID, add('/claims/x', 'p'.repeat(256 * 1024)))),
      /bytes: Okta accepts at most 262144 \(256 KB\)/,
    ],
    [
      'a status other than 200 or 204',
      () => judgeHookResponse({ request: signIn(), status: 500, body: '{}', elapsedMs: 1 }),
      /status 500: Okta needs 200 \(or 204 for no change\)/,
    ],
    [
      'a refused credential',
      () => judgeHookResponse({ request: signIn(), status: 401, body: '{}', elapsedMs: 1 }),
      /status 401: the hook refused the credential/,
    ],
    [
      'a redirect',
      () => judgeHookResponse({ request: signIn(), status: 302, body: '', elapsedMs: 1 }),
      /status 302: Okta does not follow redirects/,
    ],
    [
      'an answer slower than 3 s',
      () => answer(patch(ID, add('/claims/x')), signIn(), { elapsedMs: 3001 }),
      /answered after 3\.0 s: Okta waits 3 s at most and never retries/,
    ],
  ])('for %s', (_name, judge, reason) => {
    const judgement = judge();
    expect(judgement.verdict).toBe('dropped');
    expect(judgement.reasons.join('\n')).toMatch(reason);
    expect(judgement.changes).toStrictEqual([]);
  });

  it('drops the whole patch for one bad operation, and names every problem', () => {
    const request = signIn();
    const judgement = answer(
      [
        {
          type: ID,
          value: [
            { op: 'add', path: '/claims/extPatientId', value: '1235' },
            { op: 'add', path: '/claims/aud', value: 'x' },
          ],
        },
        { type: ACCESS, value: [{ op: 'remove', path: '/claims/nope' }] },
      ],
      request,
    );
    expect(judgement.verdict).toBe('dropped');
    expect(judgement.reasons).toStrictEqual([
      'commands[0].value[1]: add /claims/aud: "aud" is a claim Okta reserves in the ID token',
      'commands[1].value[0]: remove /claims/nope: the access token has no claim "nope"',
    ]);
    expect(judgement.idTokenClaims).toStrictEqual(request.data.identity.claims);
  });

  it('accepts an answer of exactly 3 s', () => {
    expect(answer(patch(ID, { op: 'add', path: '/claims/x', value: '1' }), signIn(), { elapsedMs: 3000 }).verdict).toBe('applied');
  });
});
