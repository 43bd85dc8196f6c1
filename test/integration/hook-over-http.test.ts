import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { exampleFor, loadFixture } from '../support/fixtures.ts';
import { emfProblems, metricNames } from '../support/emf.ts';
import { findLeaks } from '../support/leak-scan.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { seedPatients } from '../support/seeded-store.ts';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const idTokenClaim = (patientId: string) => ({
  commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }],
});

describe('the hook over HTTP, as npm start runs it', () => {
  let hook: LocalHook;
  beforeAll(async () => {
    hook = await startLocalHook();
  });
  afterAll(() => hook.close());

  describe('a patient', () => {
    it('gets the patient id in the ID token for the published example request', async () => {
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'));
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.json).toStrictEqual(idTokenClaim('1235'));
    });

    it('is found whatever the case of the login', async () => {
      const reply = await sendToHook(hook, exampleFor('Kim.SATO@Example.com'));
      expect(reply.json).toStrictEqual(idTokenClaim('6789'));
    });

    it('gets the claim recomputed on a refresh-token grant', async () => {
      const reply = await sendToHook(hook, loadFixture('refresh-grant'));
      expect(reply.status).toBe(200);
      expect(reply.json).toStrictEqual(idTokenClaim('6789'));
    });

    it('gets the claim from a Preview request the admin edited to add an identity object', async () => {
      const reply = await sendToHook(hook, loadFixture('preview-edited-identity'));
      expect(reply.status).toBe(200);
      expect(reply.json).toStrictEqual(idTokenClaim('4235'));
    });

    it('gets the claim when Okta sends a null user context, from the ID token preferred_username', async () => {
      const request = exampleFor('rajiv.tal@example.com');
      request.data.context.user = null;
      const reply = await sendToHook(hook, request);
      expect(reply.json).toStrictEqual(idTokenClaim('4235'));
    });

    it('gets no access-token patch unless configured', async () => {
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'));
      const types = (reply.json as { commands: Array<{ type: string }> }).commands.map((command) => command.type);
      expect(types).toStrictEqual(['com.okta.identity.patch']);
    });
  });

  describe('nothing to add: 204 and no body', () => {
    it.each([
      ['a user who is not a patient (the published example as it is)', loadFixture('okta-example')],
      ['a Preview request without an identity object', loadFixture('preview-without-identity')],
      ['a client-credentials grant', loadFixture('client-credentials')],
      [
        'a request whose identity is null',
        { ...loadFixture('okta-example-patient'), data: { ...loadFixture('okta-example-patient').data, identity: null } },
      ],
      [
        'a request with no user key anywhere',
        (() => {
          const request = loadFixture('okta-example');
          delete request.data.context.user;
          delete request.data.identity.claims.preferred_username;
          delete request.data.access.claims.sub;
          return request;
        })(),
      ],
    ])('%s', async (_name, request) => {
      const reply = await sendToHook(hook, request);
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
    });
  });

  describe('a caller without the right credential: 401, before the body is read', () => {
    it.each([
      ['no Authorization header', null],
      ['a wrong password', basic('admin:wrong')],
      ['a wrong username', basic('root:supersecret')],
      ['a Bearer token', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig'],
      ['a malformed Basic value', 'Basic not*base64'],
      ['Basic without a colon', basic('adminsupersecret')],
      ['an empty Basic value', 'Basic '],
    ])('%s', async (_name, authorization) => {
      const reply = await sendToHook(hook, 'this is not even JSON', { authorization });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(reply.json).toStrictEqual({ message: 'unauthorized' });
    });

    it('accepts the scheme in any case', async () => {
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'), {
        authorization: `bAsIc ${Buffer.from('admin:supersecret').toString('base64')}`,
      });
      expect(reply.status).toBe(200);
    });
  });

  describe('a body that is not a token hook request: 400 saying what is wrong', () => {
    const nested = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    it.each([
      ['not JSON', '{"eventType": ', 'body is not valid JSON'],
      ['empty', '', 'body is empty'],
      ['a JSON array', '[1,2]', 'body must be a JSON object'],
      ['a JSON string', '"hello"', 'body must be a JSON object'],
      ['JSON null', 'null', 'body must be a JSON object'],
      ['nested too deep', nested, 'body is nested more than 32 levels deep'],
      [
        'another event type',
        JSON.stringify({ ...loadFixture('okta-example'), eventType: 'com.okta.user.pre-registration' }),
        'eventType must be "com.okta.oauth2.tokens.transform"',
      ],
      ['without data', JSON.stringify({ eventType: 'com.okta.oauth2.tokens.transform' }), 'data is required'],
      [
        'with a login that is not a string',
        JSON.stringify(exampleFor('x@example.com'), (key, value) => (key === 'login' ? 42 : value)),
        'data.context.user.profile.login must be a string',
      ],
      [
        'with an identity that is not an object',
        JSON.stringify({ ...loadFixture('okta-example'), data: { ...loadFixture('okta-example').data, identity: 'yes' } }),
        'data.identity must be an object',
      ],
    ])('%s', async (_name, body, message) => {
      const reply = await sendToHook(hook, body);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.json).toStrictEqual({ message });
    });
  });

  describe('refused before any work', () => {
    it('answers 413 to a body over 256 KB', async () => {
      const request = loadFixture('okta-example-patient');
      request.padding = 'x'.repeat(256 * 1024);
      const reply = await sendToHook(hook, request);
      expect(reply.status).toBe(413);
      expect(reply.json).toStrictEqual({ message: 'body is larger than 262144 bytes' });
    });

    it('answers 413 before checking the credential', async () => {
      const reply = await sendToHook(hook, 'x'.repeat(300 * 1024), { authorization: null });
      expect(reply.status).toBe(413);
    });

    it('answers 404 to another path', async () => {
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'), { path: '/tokenhook/extra' });
      expect(reply.status).toBe(404);
      expect(reply.json).toStrictEqual({ message: 'not found' });
    });

    it.each(['GET', 'PUT', 'DELETE'])('answers 405 to %s with Allow: POST', async (method) => {
      const reply = await sendToHook(hook, loadFixture('okta-example-patient'), { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.get('allow')).toBe('POST');
    });
  });

  describe('what the hook logs', () => {
    it('logs one line a request, with an opaque user hash and no login, patient id or credential', async () => {
      const before = hook.logs.length;
      await sendToHook(hook, loadFixture('okta-example-patient'));
      const lines = hook.logs.slice(before).map((line) => JSON.parse(line));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ reason: 'ClaimAdded' });
      expect(lines[0].userHash).toMatch(/^[\w-]{16}$/);
      expect(findLeaks(hook.logs)).toStrictEqual([]);
    });

    it('makes that line the Embedded Metric Format document too, counting the reason with no dimension', async () => {
      const before = hook.logs.length;
      await sendToHook(hook, loadFixture('okta-example'));
      const [line, ...more] = hook.logs.slice(before);
      expect(more).toStrictEqual([]);
      expect(emfProblems(line as string)).toStrictEqual([]);
      const document = JSON.parse(line as string);
      expect(document).toMatchObject({ reason: 'NotAPatient', NotAPatient: 1 });
      expect(document._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'OktaTokenHook', Dimensions: [[]] });
      expect(metricNames(line as string)).toStrictEqual(['NotAPatient']);
      // Lambda's request id, which the local server makes up as Lambda would.
      expect(document.requestId).toMatch(/^[0-9a-f-]{36}$/);
      // And API Gateway's, the requestId of the access log's line for the same request.
      expect(document.apiRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(document.apiRequestId).not.toBe(document.requestId);
    });

    it('counts ColdStart on the first request of the instance only', () => {
      const requestLines = hook.logs.filter((line) => line.startsWith('{"_aws"'));
      expect(requestLines.length).toBeGreaterThan(1);
      expect(requestLines.map((line) => metricNames(line).includes('ColdStart'))).toStrictEqual(requestLines.map((_, i) => i === 0));
      for (const line of requestLines) expect(emfProblems(line)).toStrictEqual([]);
    });

    it('keeps a patient request under 400 bytes of log', async () => {
      const before = hook.logs.length;
      await sendToHook(hook, loadFixture('okta-example-patient'));
      const [line] = hook.logs.slice(before);
      // What CloudWatch Logs bills: the line and its newline.
      expect(Buffer.byteLength(`${line}\n`)).toBeLessThanOrEqual(400);
    });
  });
});

describe('the hook configured to patch both tokens', () => {
  let hook: LocalHook;
  beforeAll(async () => {
    hook = await startLocalHook({ env: { CLAIM_TOKENS: 'both', CLAIM_NAME: 'patient/id' } });
  });
  afterAll(() => hook.close());

  it('patches the ID and the access token, escaping the claim name as a JSON pointer', async () => {
    const reply = await sendToHook(hook, loadFixture('okta-example-patient'));
    const add = { op: 'add', path: '/claims/patient~1id', value: '1235' };
    expect(reply.json).toStrictEqual({
      commands: [
        { type: 'com.okta.identity.patch', value: [add] },
        { type: 'com.okta.access.patch', value: [add] },
      ],
    });
  });

  it('never patches a client-credentials token, even when a row is keyed by the client id', async () => {
    await seedPatients((hook.store as EmbeddedDynamoDb).endpoint, { patients: [{ username: '0oaServiceClient123', patientId: '999' }] });
    const reply = await sendToHook(hook, loadFixture('client-credentials'));
    expect(reply.status).toBe(204);
  });

  it('patches only the access token when no ID token is being minted', async () => {
    const reply = await sendToHook(hook, { ...loadFixture('preview-without-identity') });
    expect(reply.json).toStrictEqual({
      commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/patient~1id', value: '6789' }] }],
    });
  });
});
