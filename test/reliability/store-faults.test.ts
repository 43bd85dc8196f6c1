import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS } from '../../lambda/aws/aws-json-client.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { loadFixture } from '../support/fixtures.ts';
import { type LocalHook, sendToHook, startLocalHook } from '../support/local-hook.ts';
import { type Endpoint, startBlackHole, startHttpFault, THROTTLING_BODY, unusedPort } from './support/fault-endpoints.ts';
import { startSeededStore } from '../support/seeded-store.ts';
import { countedMetrics } from './support/in-process.ts';

// Okta waits 3 s; the hook's own bound on a store lookup (STORE_TIMEOUT_MS, 500 ms by default) keeps the
// whole answer well under 1 s, retries included. That is shown by what the hook did (the deadline's
// error code, how many attempts the server saw), not by a stopwatch that a busy machine can fail;
// how fast it answers is npm run bench's question.
const FAILURE_MESSAGE = 'Sign-in is temporarily unavailable. Please try again in a few minutes.';
const CLAIM = { commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] }] };

interface Fault {
  name: string;
  /** Starts the faulty endpoint on the port (or leaves it empty); a store may be running there first. */
  start(port: number, running: { store?: EmbeddedDynamoDb }): Promise<Endpoint | undefined>;
  errorCode: RegExp;
}

const FAULTS: Fault[] = [
  { name: 'a port with nothing listening', start: async () => undefined, errorCode: /^ECONNREFUSED$/ },
  { name: 'a server that accepts and never answers', start: (port) => startBlackHole(port), errorCode: /^DeadlineExceeded$/ },
  {
    name: 'a server answering HTTP 500',
    start: (port) => startHttpFault(port, { status: 500, body: 'Internal Server Error' }),
    errorCode: /^Http500$/,
  },
  {
    name: "DynamoDB's throttling error",
    start: (port) => startHttpFault(port, { status: 400, body: THROTTLING_BODY }),
    errorCode: /^ProvisionedThroughputExceededException$/,
  },
  {
    name: 'the embedded store, stopped mid-run',
    async start(_port, running) {
      await running.store?.close();
      return undefined;
    },
    // The keep-alive connection to the stopped store may be reset rather than refused.
    errorCode: /^(ECONNREFUSED|ECONNRESET|EPIPE)$/,
  },
];

const POLICIES = [
  { mode: 'open', status: 204, body: '' },
  { mode: 'closed', status: 200, body: JSON.stringify({ error: { errorSummary: FAILURE_MESSAGE } }) },
] as const;

describe('a store that fails: the failure policy, logged once, then recovery', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  for (const fault of FAULTS) {
    for (const policy of POLICIES) {
      it(`${fault.name}: FAILURE_MODE=${policy.mode} answers ${policy.status}, and the next request after recovery gets the claim`, async () => {
        const port = await unusedPort();
        const running: { store?: EmbeddedDynamoDb } = {};
        if (fault.name.startsWith('the embedded store')) running.store = await startSeededStore(port);
        const hook = await startLocalHook({ storeEndpoint: `http://127.0.0.1:${port}`, env: { FAILURE_MODE: policy.mode } });
        cleanup.push(() => hook.close());
        if (running.store) expect((await sendToHook(hook, loadFixture('okta-example-patient'))).json).toStrictEqual(CLAIM);

        const faulty = await fault.start(port, running);
        if (faulty) cleanup.push(() => faulty.close());
        const { reply, logs, metrics } = await answeredRequest(hook);

        expect(reply.status).toBe(policy.status);
        expect(reply.text).toBe(policy.body);
        expect(logs).toHaveLength(1);
        expect(logs[0]).toMatchObject({ level: 'ERROR', reason: 'StoreFailure', status: policy.status, failureMode: policy.mode });
        expect(logs[0]?.errorCode).toMatch(fault.errorCode);
        expect(logs[0]?.userHash).toMatch(/^[\w-]{16}$/);
        expect(metrics).toStrictEqual(['StoreFailure']);

        await faulty?.close();
        const store = await startSeededStore(port);
        cleanup.push(() => store.close());
        const next = await answeredRequest(hook);
        expect(next.reply.json).toStrictEqual(CLAIM);
        expect(next.logs).toMatchObject([{ reason: 'ClaimAdded' }]);
        expect(next.metrics).toStrictEqual(['ClaimAdded']);
      });
    }
  }
});

describe('retries stay inside the deadline', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  async function faultyStore(answer: { status: number; body: string; delayMs?: number }) {
    const server = await startHttpFault(0, answer);
    const hook = await startLocalHook({ storeEndpoint: server.url });
    cleanup.push(
      () => server.close(),
      () => hook.close(),
    );
    return { server, hook };
  }

  // No attempt is left for after the answer: the hook answers once the lookup is over, and a lookup ends
  // only when its attempts run out or its deadline aborts it, which cuts a back-off short as well. The
  // logged error code says which ended it; nothing waits afterwards to look for a stray attempt.
  it.each([
    ['HTTP 500', { status: 500, body: 'Internal Server Error' }, 'Http500'],
    ['throttling', { status: 400, body: THROTTLING_BODY }, 'ProvisionedThroughputExceededException'],
  ])('retries %s a bounded number of times, and not after answering', async (_name, answer, errorCode) => {
    const { server, hook } = await faultyStore(answer);
    const { reply, logs } = await answeredRequest(hook);
    expect(reply.status).toBe(204);
    const attempts = server.received;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS);
    // Out of attempts with the last answer in hand, or (on a very busy machine) cut by the deadline.
    expect(logs[0]?.errorCode).toBe(attempts === DEFAULT_MAX_ATTEMPTS ? errorCode : 'DeadlineExceeded');
  });

  it('gives up on a slow failing store at the deadline, with no attempt left running after the answer', async () => {
    const { server, hook } = await faultyStore({ status: 500, body: 'Internal Server Error', delayMs: 200 });
    const { reply, logs } = await answeredRequest(hook);
    expect(reply.status).toBe(204);
    expect(logs[0]?.errorCode).toMatch(/^(DeadlineExceeded|Http500)$/);
    const attempts = server.received;
    expect(attempts).toBeGreaterThanOrEqual(2);
    // Each attempt takes 200 ms: in a 500 ms deadline there is no room for more than three.
    expect(attempts).toBeLessThanOrEqual(3);
  });
});

async function answeredRequest(hook: LocalHook) {
  const logsBefore = hook.logs.length;
  const reply = await sendToHook(hook, loadFixture('okta-example-patient'));
  return {
    reply,
    logs: hook.logs.slice(logsBefore).map((line) => JSON.parse(line) as Record<string, unknown>),
    metrics: countedMetrics(hook.logs.slice(logsBefore)),
  };
}
