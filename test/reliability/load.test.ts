import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { SAMPLE_PATIENTS } from '../../local/patients-table.ts';
import { exampleFor, loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from '../support/local-hook.ts';

const REQUESTS = 2000;
const CONCURRENCY = 50;
const WARM_UP = 200;
// What the run may leave behind after a full collection, besides the log and metric lines the harness
// keeps on purpose: V8's code and feedback, pools (measured: about 1.5 MB). Keeping one request's event
// or answer (a few KB) for each of the 2,000 requests would be well over this.
const HEAP_MARGIN_BYTES = 3 * 1024 * 1024;

interface Expected {
  status: number;
  body: unknown;
}

interface Case {
  authorization: string;
  body: string;
  expected: Expected;
}

const claim = (patientId: string) => ({
  commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }],
});

/** The mix: patients, users who are not patients, wrong credentials and malformed bodies, interleaved. */
function loadCase(index: number): Case {
  const kind = index % 20;
  if (kind < 8) {
    const patient = SAMPLE_PATIENTS[index % SAMPLE_PATIENTS.length] as (typeof SAMPLE_PATIENTS)[number];
    const login = index % 2 === 0 ? patient.username : patient.username.toUpperCase();
    return {
      authorization: LOCAL_AUTHORIZATION,
      body: JSON.stringify(exampleFor(login)),
      expected: { status: 200, body: claim(patient.patientId) },
    };
  }
  if (kind < 11) {
    return {
      authorization: LOCAL_AUTHORIZATION,
      body: JSON.stringify(exampleFor(`user${index}@example.org`)),
      expected: { status: 204, body: undefined },
    };
  }
  if (kind < 16) {
    const authorization = basicHeaderValue({ username: kind % 2 ? 'admin' : `guest${index}`, password: `wrong-${index}` });
    return {
      authorization,
      body: JSON.stringify(loadFixture('okta-example-patient')),
      expected: { status: 401, body: { message: 'unauthorized' } },
    };
  }
  const malformed: Array<[string, string]> = [
    ['{"eventType": ', 'body is not valid JSON'],
    ['[]', 'body must be a JSON object'],
    [
      JSON.stringify({ ...loadFixture('okta-example'), eventType: 'com.okta.user.pre-registration' }),
      'eventType must be "com.okta.oauth2.tokens.transform"',
    ],
    [JSON.stringify({ eventType: 'com.okta.oauth2.tokens.transform' }), 'data is required'],
  ];
  const [body, message] = malformed[kind - 16] as [string, string];
  return { authorization: LOCAL_AUTHORIZATION, body, expected: { status: 400, body: { message } } };
}

describe('load: 2,000 requests, 50 at a time, through the local server', () => {
  let hook: LocalHook;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  beforeAll(async () => {
    hook = await startLocalHook();
  });
  afterAll(async () => {
    agent.destroy();
    await hook.close();
  });

  it('answers every request rightly, and the heap returns to where it started', async () => {
    expect(typeof global.gc, 'run with --expose-gc (vitest.config.ts execArgv)').toBe('function');
    await run(hook, agent, WARM_UP);
    const before = await settledHeap();
    const linesBefore = hook.logs.length;

    const started = performance.now();
    const wrong = await run(hook, agent, REQUESTS);
    const elapsedMs = performance.now() - started;
    const after = await settledHeap();

    expect(wrong).toStrictEqual([]);
    expect(hook.logs).toHaveLength(WARM_UP + REQUESTS);
    const keptLines = hook.logs.slice(linesBefore).reduce((bytes, line) => bytes + line.length, 0);
    const growth = after - before - keptLines;
    console.info(
      `load: ${REQUESTS} requests in ${(elapsedMs / 1000).toFixed(2)} s; heap ${mb(before)} MB before, ${mb(after)} MB after, ` +
        `of which ${mb(keptLines)} MB are the captured log lines: ${mb(growth)} MB left`,
    );
    expect(growth).toBeLessThan(HEAP_MARGIN_BYTES);
  });
});

/** Sends `count` requests with at most CONCURRENCY in flight; gives back the ones answered wrongly. */
async function run(hook: LocalHook, agent: Agent, count: number): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const { authorization, body, expected } = loadCase(index);
      const reply = await post(agent, hook.hookUrl, authorization, body);
      const actual = { status: reply.status, body: reply.body ? JSON.parse(reply.body) : undefined };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`#${index}: ${actual.status}, expected ${expected.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return wrong;
}

function post(agent: Agent, url: string, authorization: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** heapUsed after full collections, once pending callbacks (sockets, timers) have run. */
async function settledHeap(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await sleep(20);
    global.gc?.();
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
