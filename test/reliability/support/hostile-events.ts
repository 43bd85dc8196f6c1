import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { basicHeaderValue } from '../../../lambda/core/basic-auth.ts';
import { SAMPLE_PATIENTS } from '../../../local/patients-table.ts';
import { type FixtureName, loadFixture } from '../../support/fixtures.ts';
import { hookEvent } from './in-process.ts';
import { LOCAL_DEFAULTS } from '../../../tools/cli/local-target.ts';

/**
 * Arbitraries for hostile calls to the hook: Okta's requests with mutations at any depth, wrong types,
 * huge and odd strings, prototype keys; any method, path, header, encoding; right and wrong credentials.
 * Each generated call says what an oracle needs: whether its credential is the hook's own, and the body
 * as the hook will decode it.
 */
export interface HostileCall {
  event: APIGatewayProxyEventV2;
  /** The Authorization header carries the hook's credential (by construction, not by the code under test). */
  validCredential: boolean;
  /** The body text after API Gateway's base64 step, as the hook sees it. */
  decodedBody: string | undefined;
}

const LOCAL_CREDENTIAL = { username: LOCAL_DEFAULTS.HOOK_USERNAME, password: LOCAL_DEFAULTS.HOOK_PASSWORD };
const LOCAL_TOKEN = basicHeaderValue(LOCAL_CREDENTIAL).slice('Basic '.length);
const FIXTURES: FixtureName[] = [
  'okta-example',
  'okta-example-patient',
  'preview-without-identity',
  'preview-edited-identity',
  'refresh-grant',
  'client-credentials',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\ud800', 'a\udfff', '\u0000', '\u202e', '\ufeff', 'null', 'undefined', '%00', '../..', '{"a":1}', ' '),
);
// Sizes around Okta's 256 KB limit, in characters that take 1, 2 and 4 bytes in UTF-8.
const hugeString = fc
  .tuple(fc.constantFrom('x', 'é', '😀'), fc.integer({ min: 1_000, max: 140_000 }))
  .map(([unit, count]) => unit.repeat(count));
const patientLogin = fc.constantFrom(...SAMPLE_PATIENTS.flatMap(({ username }) => [username, username.toUpperCase(), ` ${username} `]));

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddString },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER, '', [], {}, [[]], { claims: null }),
  },
  { weight: 2, arbitrary: patientLogin },
  { weight: 1, arbitrary: hugeString },
);

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'prototype-key'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: anyValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('prototype-key' as const),
      at: fc.nat(),
      key: fc.constantFrom(...PROTOTYPE_KEYS),
      value: anyValue,
    }),
  },
);

// Which tokens Okta is minting decides which patches are allowed: drop them often, not by luck.
const mintedTokens = fc.constantFrom('as in the fixture', 'as in the fixture', 'no identity', 'no access', 'neither');

/** An Okta request from the fixtures with a few mutations anywhere in it. */
export const mutatedOktaRequest: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...FIXTURES), mintedTokens, fc.array(mutation, { maxLength: 4 }))
  .map(([fixture, tokens, mutations]) => {
    const request = loadFixture(fixture);
    if (tokens === 'no identity' || tokens === 'neither') delete request.data.identity;
    if (tokens === 'no access' || tokens === 'neither') delete request.data.access;
    for (const change of mutations) applyMutation(request, change);
    return request as unknown;
  });

type BodyEncoding = { body: string | undefined; isBase64Encoded: boolean; decodedBody: string | undefined };

const bodyEncoding: fc.Arbitrary<BodyEncoding> = fc.oneof(
  { weight: 12, arbitrary: mutatedOktaRequest.map((request) => plain(JSON.stringify(request))) },
  { weight: 2, arbitrary: mutatedOktaRequest.map((request) => base64(JSON.stringify(request))) },
  {
    weight: 2,
    arbitrary: fc.tuple(mutatedOktaRequest, fc.nat()).map(([request, cut]) => {
      const text = JSON.stringify(request);
      return plain(text.slice(0, cut % Math.max(text.length, 1)));
    }),
  },
  { weight: 1, arbitrary: oddString.map(plain) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => base64Bytes(Buffer.from(bytes))) },
  // The flag and the body disagree.
  { weight: 1, arbitrary: mutatedOktaRequest.map((request) => mislabelledAsBase64(JSON.stringify(request))) },
  { weight: 1, arbitrary: mutatedOktaRequest.map((request) => plain(Buffer.from(JSON.stringify(request)).toString('base64'))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<BodyEncoding>(plain(''), plain(' '), { body: undefined, isBase64Encoded: false, decodedBody: undefined }),
  },
  {
    weight: 1,
    arbitrary: hugeString.map((text) => plain(JSON.stringify({ ...loadFixture('okta-example-patient'), padding: text.repeat(2) }))),
  },
);

type Authorization = { header: string | undefined; valid: boolean };

const notTheCredential = (credential: { username: string; password: string }) =>
  credential.username !== LOCAL_CREDENTIAL.username || credential.password !== LOCAL_CREDENTIAL.password;

const authorization: fc.Arbitrary<Authorization> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ header: `Basic ${LOCAL_TOKEN}`, valid: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('basic', 'BASIC', 'bAsIc').map((scheme) => ({ header: `${scheme}  ${LOCAL_TOKEN} `, valid: true })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        username: fc.oneof(fc.constant(LOCAL_CREDENTIAL.username), oddString),
        password: fc.oneof(fc.constant(LOCAL_CREDENTIAL.password), oddString),
      })
      .filter(notTheCredential)
      .map((credential) => ({ header: basicHeaderValue(credential), valid: false })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        oddString,
        fc.constantFrom(
          `Bearer ${LOCAL_TOKEN}`,
          LOCAL_TOKEN,
          `Basic ${LOCAL_TOKEN.slice(0, -4)}`,
          `Basic ${LOCAL_TOKEN}!`,
          `Basic ${LOCAL_TOKEN} ${LOCAL_TOKEN}`,
          'Basic ',
          'Basic',
        ),
        fc.integer({ min: 4000, max: 20_000 }).map((n) => `Basic ${'A'.repeat(n)}`),
      )
      .map((header) => ({ header, valid: false })),
  },
  { weight: 2, arbitrary: fc.constant({ header: undefined, valid: false }) },
);

const method = fc.oneof(
  { weight: 20, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'post', 'Post', '') },
  { weight: 1, arbitrary: oddString },
);

const path = fc.oneof(
  { weight: 20, arbitrary: fc.constant('/tokenHook') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/tokenhook',
      '/tokenHook/',
      '/',
      '//tokenHook',
      '/tokenHook/../tokenHook',
      '/TOKENHOOK',
      '/tokenHook%00',
      '',
    ),
  },
  { weight: 1, arbitrary: oddString },
);

const randomHeaders = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom('content-type', 'Authorization', 'x-forwarded-for', 'content-length', '__proto__', 'constructor'),
  ),
  oddString,
  { maxKeys: 5 },
);

/** One hostile call as an API Gateway v2 event, for the handler in-process. */
export const hostileEvent: fc.Arbitrary<HostileCall> = fc
  .record({
    auth: authorization,
    method,
    path,
    headers: randomHeaders,
    encoding: bodyEncoding,
    shape: fc.oneof(
      { weight: 20, arbitrary: fc.constant('whole') },
      { weight: 1, arbitrary: fc.constantFrom('no headers', 'no requestContext.http', 'timeEpoch not a number') },
    ),
  })
  .map(({ auth, method, path, headers, encoding, shape }) => {
    const event = hookEvent({
      method,
      path,
      headers,
      isBase64Encoded: encoding.isBase64Encoded,
      ...(encoding.body === undefined ? {} : { body: encoding.body }),
    });
    delete event.headers.authorization;
    if (auth.header !== undefined) event.headers.authorization = auth.header;
    const mangled = event as unknown as { headers?: unknown; requestContext: { http?: unknown; timeEpoch?: unknown } };
    if (shape === 'no headers') delete mangled.headers;
    if (shape === 'no requestContext.http') delete mangled.requestContext.http;
    if (shape === 'timeEpoch not a number') mangled.requestContext.timeEpoch = 'soon';
    return { event, validCredential: auth.valid && shape !== 'no headers', decodedBody: encoding.decodedBody };
  });

function plain(text: string): BodyEncoding {
  return { body: text, isBase64Encoded: false, decodedBody: text };
}

function base64(text: string): BodyEncoding {
  return { body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true, decodedBody: text };
}

function base64Bytes(bytes: Buffer): BodyEncoding {
  return { body: bytes.toString('base64'), isBase64Encoded: true, decodedBody: bytes.toString('utf8') };
}

function mislabelledAsBase64(text: string): BodyEncoding {
  return { body: text, isBase64Encoded: true, decodedBody: Buffer.from(text, 'base64').toString('utf8') };
}

/** Every object and array in the value, the value itself included. */
function containers(value: unknown): object[] {
  const found: object[] = [];
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    found.push(next);
    for (const child of Object.values(next)) pending.push(child);
  }
  return found;
}

function applyMutation(request: unknown, change: Mutation): void {
  // A fresh copy: generated values may be shared constants, and a later mutation could make a cycle.
  const value = 'value' in change ? structuredClone(change.value) : undefined;
  const targets = containers(request);
  const target = targets[change.at % targets.length] as Record<string, unknown>;
  const keys = Object.keys(target);
  if (change.kind === 'prototype-key') {
    // JSON carries no named members of an array; a `constructor` on one would only break the generator.
    if (Array.isArray(target)) return;
    // An own property named __proto__, as JSON.parse makes it, rather than a prototype change.
    Object.defineProperty(target, change.key, { value, enumerable: true, configurable: true, writable: true });
    return;
  }
  if (keys.length === 0) return;
  const key = keys[change.at % keys.length] as string;
  if (change.kind === 'delete') {
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  }
}
