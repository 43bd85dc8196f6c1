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

// The first round meets the hook's pool to the store as npm start left it, the second the pool the first
// left. Three rounds of 500 were what it took, on a busy 2-core machine, to see the hook lose claims without
// the limit on events in the handler; today's hook, without it, loses none on a quiet one. So two rounds,
// one for each state of the pool, and bursts of 500 still.
const ROUNDS = 2;
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

  // Every patient's claim from npm start, as users run it, under bursts after idle. The local API Gateway's
  // limit on events in the handler at once (test/local/api-gateway-event.test.ts checks it) keeps a few
  // dozen lookups waiting on the store at a time; on a quiet machine today's hook answers these bursts even
  // without it. The answers depend on the hook meeting its store deadline, so this file runs alone, after
  // the others (vitest.config.ts): beside them on two cores, 4 and then 32 of 500 missed it, the second
  // time with the longest deadline the function allows. Checked by the answers, not a stopwatch: how fast
  // a burst is answered is npm run bench's question.
  it(`gives every patient the claim: ${BURST} parallel requests after idle, ${ROUNDS} rounds`, { timeout: 180_000 }, async () => {
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
