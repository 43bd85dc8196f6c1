import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../lambda/aws/aws-json-client.ts';
import { describeError } from '../../lambda/observability.ts';
import { capturedLines } from '../support/captured-output.ts';
import { loadFixture } from '../support/fixtures.ts';
import { findLeaks } from '../support/leak-scan.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { type Endpoint, startHttpFault } from './support/fault-endpoints.ts';

/**
 * The scan itself runs in test/support/scan-output.setup.ts, after every file of the integration and
 * reliability suites, on every line the hook logged or counted and everything written to stdout, stderr
 * or the console meanwhile: the integration scenarios, the fuzz run, the fault and load runs. This file
 * shows that the scan sees those lines and finds what it looks for, and that errors are redacted.
 */
const BASIC_VALUE = LOCAL_AUTHORIZATION.slice('Basic '.length);

describe('the output scan', () => {
  it.each([
    ['the password', '{"message":"bad credential supersecret"}', 'the local password'],
    ['the Authorization value', `{"header":"${LOCAL_AUTHORIZATION}"}`, 'the local Authorization value (base64)'],
    ['its base64 part alone', `token=${BASIC_VALUE.slice(0, 20)}`, 'the local Authorization value (base64)'],
    ['a seeded login', '{"user":"Jessie.Smith@example.com"}', 'a seeded username'],
    ['a seeded login without its domain', 'looked up kim.sato', 'a seeded username'],
    ['a patient id as a string', '{"claim":"6789"}', 'a patient id'],
    ['a patient id as a number', '{"patientId":4235}', 'a patient id'],
  ])('finds %s', (_name, line, kind) => {
    expect(findLeaks([line]).map((leak) => leak.kind)).toContain(kind);
  });

  it('does not mistake request ids, epoch milliseconds or user hashes for patient ids', () => {
    const lines = [
      '{"requestId":"d87ad58a-7783-4235-a5b4-6e8d3896425e","userHash":"zcm_W-4KQUvXT71y","durationMs":0.9}',
      '{"_aws":{"Timestamp":1767212354235},"ClaimAdded":1}',
    ];
    expect(findLeaks(lines)).toStrictEqual([]);
  });

  describe('sees what the hook and the process write', () => {
    let hook: LocalHook;
    beforeAll(async () => {
      hook = await startLocalHook();
    });
    afterAll(() => hook.close());

    it('captures the harness log and metric lines, stdout and the console', async () => {
      const before = capturedLines().length;
      await sendToHook(hook, loadFixture('okta-example-patient'));
      process.stdout.write('scan probe: stdout\n');
      console.info('scan probe: console');
      const lines = capturedLines().slice(before);
      expect(lines.some((line) => line.includes('"reason":"ClaimAdded"'))).toBe(true);
      expect(lines.some((line) => line.includes('"ClaimAdded":1'))).toBe(true);
      expect(lines.some((line) => line.includes('scan probe: stdout'))).toBe(true);
      expect(lines.some((line) => line.includes('scan probe: console'))).toBe(true);
    });
  });
});

describe('errors from the AWS layer are redacted before they are logged', () => {
  it('masks a login and a Basic value in the message of an AWS service error', () => {
    const error = new AwsServiceError(
      'ValidationException',
      400,
      `Invalid key for jessie.smith@example.com; request carried authorization: ${LOCAL_AUTHORIZATION}`,
      false,
    );
    const described = describeError(error);
    expect(described).toStrictEqual({
      errorName: 'AwsServiceError',
      errorCode: 'ValidationException',
      errorMessage: 'Invalid key for [email]; request carried authorization: Basic [redacted]',
    });
    expect(findLeaks([JSON.stringify(described)])).toStrictEqual([]);
  });

  it('withholds the message of a JSON syntax error, which quotes the text it could not parse', () => {
    let error: unknown;
    try {
      JSON.parse('{"SecretString":"{\\"username\\":\\"admin\\",\\"password\\":\\"supersecret\\"}" oops');
    } catch (caught) {
      error = caught;
    }
    expect(describeError(error)).toStrictEqual({
      errorName: 'SyntaxError',
      errorMessage: 'unparsable input (message withheld: it quotes the input)',
    });
  });

  describe('end to end: a store whose errors echo the request', () => {
    const cleanup: Array<() => Promise<void>> = [];
    afterAll(async () => {
      while (cleanup.length > 0) await cleanup.pop()?.();
    });

    it.each([
      [
        'a service error naming the login and a Basic value',
        {
          status: 400,
          body: JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ValidationException',
            message: `One or more parameter values were invalid: key jessie.smith@example.com, caller ${LOCAL_AUTHORIZATION}`,
          }),
        },
        'ValidationException',
      ],
      [
        'a 200 that is not JSON and holds a patient record',
        { status: 200, body: '{"Item":{"username":{"S":"jessie.smith@example.com"},"patientId":{"S":"1235"}} trailing' },
        undefined,
      ],
    ])('%s: logged once, with nothing the scan forbids', async (_name, answer, errorCode) => {
      const store: Endpoint = await startHttpFault(0, answer);
      const hook = await startLocalHook({ storeEndpoint: store.url });
      cleanup.push(
        () => store.close(),
        () => hook.close(),
      );

      const reply = await sendToHook(hook, loadFixture('okta-example-patient'));
      expect(reply.status).toBe(204);
      expect(hook.logs).toHaveLength(1);
      const line = JSON.parse(hook.logs[0] as string);
      expect(line).toMatchObject({ level: 'ERROR', reason: 'StoreFailure', ...(errorCode ? { errorCode } : { errorName: 'SyntaxError' }) });
      expect(findLeaks(hook.logs)).toStrictEqual([]);
    });
  });
});
