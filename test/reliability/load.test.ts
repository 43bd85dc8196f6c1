import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { SAMPLE_PATIENTS } from '../../local/patients-table.ts';
import { exampleFor, loadFixture } from '../support/fixtures.ts';
import { LOCAL_AUTHORIZATION, type LocalHook, startLocalHook } from '../support/local-hook.ts';

const REQUESTS = 2000;
const CONCURRENCY = 50;

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

// With the longest store deadline the function allows: the suite's other files run beside this one on the
// same cores, and what is checked here is every answer, not how fast it came.
describe('load: 2,000 requests, 50 at a time, through the local server (store deadline 800 ms)', () => {
  let hook: LocalHook;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  beforeAll(async () => {
    hook = await startLocalHook({ env: { STORE_TIMEOUT_MS: '800' } });
  });
  afterAll(async () => {
    agent.destroy();
    await hook.close();
  });

  // No heap check: a heap size after a collection is V8's and the machine's as much as the hook's, so it
  // could not fail for the hook alone.
  it('answers every request rightly, each with its one log line', async () => {
    const wrong = await run(hook, agent, REQUESTS);
    expect(wrong).toStrictEqual([]);
    expect(hook.logs).toHaveLength(REQUESTS);
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
