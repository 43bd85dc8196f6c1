import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { SAMPLE_PATIENTS } from '../../local/patients-table.ts';
import { withUser } from '../../tools/okta/request-shapes.ts';
import { treatAsSecret } from '../support/captured-output.ts';
import { loadFixture } from '../support/fixtures.ts';
import { freePort, type NpmStart, startNpmStart } from '../support/npm-start.ts';

// The first round meets the hook's pool to the store as npm start left it, the later ones the pool the
// round before left. Without the limit on events in the handler (measured on a busy 2-core machine), 3 rounds of 500
// lost hundreds of claims in each of 6 runs, though one later round lost none: so three, not one; a
// request costs some 4 ms of CPU (client, hook and store), and ten rounds took seconds to prove no more.
// Bursts of 250 without the limit lost none in 2 runs of 3: the burst stays at 500.
const ROUNDS = 3;
const BURST = 500;
// Measured: keep-alive sockets close only after 4 s idle (the client's) and 5 s (the hook's pool to the
// store). Each round opens fresh connections instead of waiting for that; on the code before the fix,
// 250 ms and 1 s of idle failed alike.
const IDLE_MS = 250;

const claim = (patientId: string) => ({
  commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: patientId }] }],
});

interface Round {
  withoutClaim: number;
  /** Why, when known: each answer that is not the claim, as its status. */
  statuses: number[];
}

describe('npm start with a password of its own', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-hook-burst-'));
  const password = `burst-${randomUUID()}`;
  treatAsSecret(password);
  let run: NpmStart;
  let url: string;
  beforeAll(async () => {
    run = startNpmStart({
      PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
      HOOK_PASSWORD: password,
      STORE_TIMEOUT_MS: '800',
    });
    url = await run.ready;
  });
  afterAll(async () => {
    await run?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the password out of its banner', () => {
    const banner = run.output();
    expect(banner).not.toContain(password);
    expect(banner).toContain('Credential: admin and the password in HOOK_PASSWORD, from the environment (not shown)');
    expect(banner).toContain(`curl -i ${url} -H 'authorization: Basic <base64 of admin:password>'`);
  });

  // Every patient's claim from npm start under a burst after idle, while the rest of the suite runs beside
  // it. The local API Gateway's limit on events in the handler at once (test/local/api-gateway-event.test.ts
  // checks it) keeps a few dozen lookups waiting on the store at a time. On a quiet machine today's hook
  // answers these bursts even without the limit; in the suite, on two busy cores, 4 of 500 once missed the
  // default 500 ms store deadline, so this hook has the longest one the function allows. Checked by the
  // answers, not a stopwatch: how fast a burst is answered is npm run bench's question.
  it(`gives every patient the claim: ${BURST} parallel requests after idle, ${ROUNDS} rounds (store deadline 800 ms)`, {
    timeout: 180_000,
  }, async () => {
    const authorization = basicHeaderValue({ username: 'admin', password });
    const calls = Array.from({ length: BURST }, (_, index) => {
      const { username, patientId } = SAMPLE_PATIENTS[index % SAMPLE_PATIENTS.length] as (typeof SAMPLE_PATIENTS)[number];
      return { body: JSON.stringify(withUser(loadFixture('okta-example-patient'), username)), expected: claim(patientId) };
    });
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(IDLE_MS);
      rounds.push(await burst(url, authorization, calls));
    }
    const figures = rounds.map(
      ({ withoutClaim, statuses }, index) => `round ${index + 1}: ${withoutClaim} without claim (${statuses.join(', ') || 'none'})`,
    );
    console.info(`burst: ${figures.join('; ')}`);
    expect(
      rounds.map((round) => round.withoutClaim),
      figures.join('\n'),
    ).toStrictEqual(Array(ROUNDS).fill(0));
  });
});

/** Sends every call at once, each on a connection of its own; counts the answers that are not the claim. */
async function burst(url: string, authorization: string, calls: ReadonlyArray<{ body: string; expected: unknown }>): Promise<Round> {
  const agent = new Agent({ keepAlive: true });
  try {
    const answers = await Promise.all(
      calls.map(async ({ body, expected }) => {
        const answer = await post(agent, url, authorization, body).catch(() => undefined);
        const claimed = answer?.status === 200 && isDeepStrictEqual(JSON.parse(answer.body), expected);
        return { claimed, status: answer?.status ?? 0 };
      }),
    );
    const missed = answers.filter((answer) => !answer.claimed);
    return { withoutClaim: missed.length, statuses: [...new Set(missed.map((answer) => answer.status))] };
  } finally {
    agent.destroy();
  }
}

function post(agent: Agent, url: string, authorization: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end(body);
  });
}
