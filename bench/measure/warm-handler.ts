import { createBasicCallerAuthenticator } from '../../lambda/auth/basic-caller.ts';
import { loadConfig } from '../../lambda/config.ts';
import { createHookHandler } from '../../lambda/hook.ts';
import { createJsonLogger, noRequestLog } from '../../lambda/observability.ts';
import { createInMemoryPatientStore } from '../support/in-memory-store.ts';
import { BENCH_CREDENTIAL, claimAnswer, hookEvent, patientRequestBody } from '../support/requests.ts';
import { median, round } from '../support/stats.ts';

export interface WarmHandlerResult {
  method: string;
  invocations: number;
  rounds: number;
  /** Median over the rounds of each round's mean. */
  usPerInvocation: number;
  usPerInvocationByRound: number[];
}

/**
 * The exported handler, warm, on Okta's example request for a patient with a valid Basic header: auth,
 * parse, validate, resolve the user, decide and answer. The store is a Map and the logger is silent,
 * so neither a network call nor stdout is in the figure.
 */
export async function measureWarmHandler({ invocations = 20_000, rounds = 5, warmup = 5_000 } = {}): Promise<WarmHandlerResult> {
  const config = loadConfig({
    PATIENTS_TABLE: 'patients',
    HOOK_USERNAME: BENCH_CREDENTIAL.username,
    HOOK_PASSWORD: BENCH_CREDENTIAL.password,
  });
  const handle = createHookHandler({
    config,
    store: createInMemoryPatientStore({ 'jessie.smith@example.com': '1235' }),
    caller: createBasicCallerAuthenticator({ acceptedCredentials: async () => [BENCH_CREDENTIAL] }),
    log: createJsonLogger({ level: 'silent', service: 'bench' }),
    requests: noRequestLog,
  });
  const event = hookEvent(patientRequestBody());
  const expected = claimAnswer('1235');

  for (let i = 0; i < warmup; i++) {
    const answer = await handle(event);
    if (answer.statusCode !== 200 || answer.body !== expected) {
      throw new Error(`warm handler answered ${answer.statusCode} ${answer.body ?? ''}, expected 200 ${expected}`);
    }
  }
  const byRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let last: Awaited<ReturnType<typeof handle>> | undefined;
    const started = process.hrtime.bigint();
    for (let i = 0; i < invocations; i++) last = await handle(event);
    const elapsedNs = Number(process.hrtime.bigint() - started);
    if (last?.body !== expected) throw new Error('warm handler changed its answer under load');
    byRound.push(elapsedNs / 1000 / invocations);
  }
  return {
    method: `createHookHandler (lambda/hook.ts) + loadConfig, in-memory store, silent logger, no request line; ${warmup} warm-up calls, then ${rounds} rounds of ${invocations} sequential awaited invocations of the patient request; median of the round means`,
    invocations,
    rounds,
    usPerInvocation: round(median(byRound), 2),
    usPerInvocationByRound: byRound.map((value) => round(value, 2)),
  };
}
