import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { wireHookFromEnvironment } from '../../lambda/wiring.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { localHookEnvironment } from '../../local/local-environment.ts';
import { loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION } from '../support/local-hook.ts';
import { startSeededStore } from '../support/seeded-store.ts';
import { capturedOutput, countedMetrics, hookEvent } from './support/in-process.ts';

const ARRIVED = Date.parse('2026-01-05T09:00:00.000Z');
const CLAIM = { commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }] };

let store: EmbeddedDynamoDb;
beforeAll(async () => {
  store = await startSeededStore();
});
afterAll(() => store.close());

function wire(env: Record<string, string> = {}) {
  const output = capturedOutput();
  const hook = wireHookFromEnvironment(localHookEnvironment(env, store.endpoint), output);
  return {
    output,
    async call(eventTime: string | undefined, { timeEpoch = ARRIVED, authorization = LOCAL_AUTHORIZATION } = {}) {
      const request = loadFixture('okta-example-patient');
      if (eventTime === undefined) delete request.eventTime;
      else request.eventTime = eventTime;
      const answer = await hook.handle(hookEvent({ body: JSON.stringify(request), authorization, timeEpoch }));
      return { status: answer.statusCode, json: answer.body ? JSON.parse(answer.body) : undefined };
    },
  };
}

const secondsFromArrival = (seconds: number) => new Date(ARRIVED + seconds * 1000).toISOString();

describe('replay protection (MAX_EVENT_AGE_SECONDS)', () => {
  it("is off by default: Okta's example from 2019 still gets its claim", async () => {
    expect(await wire().call('2019-01-15T23:20:47.000Z')).toStrictEqual({ status: 200, json: CLAIM });
  });

  describe('when set to 300', () => {
    const hook = () => wire({ MAX_EVENT_AGE_SECONDS: '300' });

    it.each([-299, 0, 299])('accepts a request sent %s s from its arrival', async (offset) => {
      expect(await hook().call(secondsFromArrival(offset))).toStrictEqual({ status: 200, json: CLAIM });
    });

    it.each([
      ['older than 5 minutes', secondsFromArrival(-301), 'eventTime is more than 300 seconds from now'],
      ['more than 5 minutes ahead', secondsFromArrival(301), 'eventTime is more than 300 seconds from now'],
      ['without eventTime', undefined, 'eventTime is required'],
      ['with an eventTime that is not a date', 'last tuesday', 'eventTime must be an ISO date-time'],
    ])('answers 400 to a request %s, logged and counted', async (_name, eventTime, message) => {
      const wired = hook();
      expect(await wired.call(eventTime)).toStrictEqual({ status: 400, json: { message } });
      expect(wired.output.logs.map((line) => JSON.parse(line))).toMatchObject([{ reason: 'EventTimeOutOfRange' }]);
      expect(countedMetrics(wired.output.logs)).toStrictEqual(['EventTimeOutOfRange']);
    });

    it("measures against API Gateway's arrival time, not the function's clock", async () => {
      const arrivedIn2019 = Date.parse('2019-01-15T23:21:00.000Z');
      expect((await hook().call('2019-01-15T23:20:47.000Z', { timeEpoch: arrivedIn2019 })).status).toBe(200);
    });

    it('checks the credential first: a stranger learns nothing about the window', async () => {
      const stranger = basicHeaderValue({ username: 'admin', password: 'guess' });
      expect((await hook().call(secondsFromArrival(-3600), { authorization: stranger })).status).toBe(401);
    });
  });
});
