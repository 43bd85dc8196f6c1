import { describe, expect, it } from 'vitest';
import { type OktaApi, OktaApiError } from '../../lambda/okta/management-api.ts';
import { executeHook } from '../../lambda/rotation/okta-hook-target.ts';

/** Okta's execute as the rotation sees it: each attempt answers the next of `answers` (an error is thrown). */
function target(answers: unknown[], clock: () => number) {
  const sent: Array<{ path: string; body: any }> = [];
  const api: OktaApi = {
    orgUrl: 'https://example.okta.com',
    dryRun: false,
    get: async () => {
      throw new Error('not used');
    },
    send: async <T>(_method: string, path: string, body?: unknown) => {
      sent.push({ path, body });
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer as T;
    },
  };
  return { target: { api, hookId: 'cal1', executeRetryDelayMs: 6_000, sleep: async () => undefined, now: clock }, sent };
}
const refusedByHook = () =>
  new OktaApiError(400, 'POST /api/v1/inlineHooks/cal1/execute', 'E0000001', 'Api validation failed', ['Error while invoking inline hook']);

describe("testSecret's execute call", () => {
  it('marks each attempt as the rotation check for the version, with an eventTime read at that attempt', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { target: t, sent } = target([refusedByHook(), refusedByHook(), { commands: [] }], () => (now += 6_000));
    await executeHook(t, 'v3');
    expect(sent.map((request) => request.path)).toStrictEqual(Array(3).fill('/api/v1/inlineHooks/cal1/execute'));
    expect(sent.map((request) => request.body.eventId)).toStrictEqual(Array(3).fill('okta-token-hook-rotation-check:v3'));
    expect(sent.map((request) => request.body.eventTime)).toStrictEqual([
      '2026-01-01T00:00:06.000Z',
      '2026-01-01T00:00:12.000Z',
      '2026-01-01T00:00:18.000Z',
    ]);
  });

  it.each([
    ['200 {"commands":[]}', { commands: [] }],
    ['a 2xx with no body', undefined],
  ])('passes on %s', async (_, answer) => {
    await expect(executeHook(target([answer], Date.now).target, 'v3')).resolves.toBeUndefined();
  });

  it.each([
    ["the hook's error object", { error: { errorSummary: 'no' } }],
    ['a list', []],
    ['commands that are not a list', { commands: 'none' }],
  ])('fails at once on a 2xx whose body is %s', async (_, answer) => {
    const { target: t, sent } = target([answer], Date.now);
    await expect(executeHook(t, 'v3')).rejects.toThrow(/not a token hook answer/);
    expect(sent).toHaveLength(1);
  });
});
