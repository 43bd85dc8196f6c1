import { pathToFileURL } from 'node:url';
import { type ColdCommand, type ColdOptions, type ColdTimes, run, timeCold } from '../support/process-timer.ts';
import { BENCH_CREDENTIAL, claimAnswer, hookEvent, patientRequestBody } from '../support/requests.ts';
import { mad, median, round } from '../support/stats.ts';

export interface ColdResult {
  method: string;
  tool: ColdTimes['tool'];
  runs: number;
  baselineMedianMs: number;
  candidateMedianMs: number;
  /** candidate - baseline, medians. */
  overBaselineMs: number;
  baselineMadMs: number;
  candidateMadMs: number;
}

/** What every cold process gets: the function's configuration as Lambda would pass it, nothing of ours. */
export function coldEnvironment(storeEndpoint: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PATIENTS_TABLE: 'patients',
    // A static credential, so init makes no Secrets Manager call (there is none locally).
    HOOK_USERNAME: BENCH_CREDENTIAL.username,
    HOOK_PASSWORD: BENCH_CREDENTIAL.password,
    LOG_LEVEL: 'info',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: storeEndpoint,
    BENCH_EVENT: JSON.stringify(hookEvent(patientRequestBody())),
    BENCH_EXPECTED_BODY: claimAnswer('1235'),
  };
}

/**
 * The same, but the credential is a Secrets Manager secret read during init (top-level await), as in
 * AWS: the endpoint is a stand-in on 127.0.0.1 that answers with the bench credential.
 */
const BENCH_SECRET_ID = 'bench-hook-secret';

/** The secret the bench's functions read at init from the tests' fake Secrets Manager: a day old, never rotated. */
export const BENCH_SECRET = { name: BENCH_SECRET_ID, createdAt: Date.now() - 86_400_000 };

export function withSecretAtInit(env: Record<string, string>, secretsManagerEndpoint: string): Record<string, string> {
  const { HOOK_USERNAME: _username, HOOK_PASSWORD: _password, ...rest } = env;
  return { ...rest, HOOK_SECRET_ID: BENCH_SECRET_ID, AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerEndpoint };
}

export const emptyNode = (env: Record<string, string>): ColdCommand => ({
  name: 'empty node',
  argv: [process.execPath, '--input-type=module', '-e', ''],
  env,
});

export function bundleLoad(bundleFile: string, env: Record<string, string>): ColdCommand {
  return { name: 'bundle load', argv: [process.execPath, '--input-type=module', '-e', `await import('${moduleUrl(bundleFile)}')`], env };
}

/**
 * Init plus one invocation: the patient request, answered from the store; the process checks the answer
 * and exits 3 on a wrong one, which fails the measurement. Exit is natural: nothing may hold the loop.
 */
export function bundleFirstAnswer(bundleFile: string, env: Record<string, string>): ColdCommand {
  const script = [
    `const { handler } = await import('${moduleUrl(bundleFile)}');`,
    'const answer = await handler(JSON.parse(process.env.BENCH_EVENT));',
    'if (answer.statusCode !== 200 || answer.body !== process.env.BENCH_EXPECTED_BODY) process.exitCode = 3;',
  ].join(' ');
  return { name: 'bundle first answer', argv: [process.execPath, '--input-type=module', '-e', script], env };
}

export async function measureCold(baseline: ColdCommand, candidate: ColdCommand, options: ColdOptions, what: string): Promise<ColdResult> {
  const [result] = await measureColdMany(baseline, [{ candidate, what }], options);
  return result as ColdResult;
}

/** Several candidates against one baseline, all interleaved in the same rounds. */
export async function measureColdMany(
  baseline: ColdCommand,
  candidates: ReadonlyArray<{ candidate: ColdCommand; what: string }>,
  options: ColdOptions,
): Promise<ColdResult[]> {
  // One run of each outside the timing first, so a broken candidate fails with its own message.
  for (const { candidate } of candidates) {
    await run(candidate.argv[0] as string, candidate.argv.slice(1), candidate.env).catch((error: unknown) => {
      throw new Error(`${candidate.name} failed before timing (exit code 3: a wrong answer): ${String(error).slice(0, 2000)}`);
    });
  }
  const times = await timeCold([baseline, ...candidates.map(({ candidate }) => candidate)], options);
  const baselineMs = times.timesMs[0] ?? [];
  const baselineMedianMs = median(baselineMs);
  return candidates.map(({ what }, index) => {
    const candidateMs = times.timesMs[index + 1] ?? [];
    const candidateMedianMs = median(candidateMs);
    return {
      method: `${what}; vs \`node --input-type=module -e ""\`; ${times.tool}, ${candidateMs.length} runs each, ${times.schedule}; wall-time medians`,
      tool: times.tool,
      runs: Math.min(baselineMs.length, candidateMs.length),
      baselineMedianMs: round(baselineMedianMs),
      candidateMedianMs: round(candidateMedianMs),
      overBaselineMs: round(candidateMedianMs - baselineMedianMs),
      baselineMadMs: round(mad(baselineMs), 2),
      candidateMadMs: round(mad(candidateMs), 2),
    };
  });
}

function moduleUrl(file: string): string {
  const url = pathToFileURL(file).href;
  if (/['"\\]/.test(url)) throw new Error(`the bundle path cannot be quoted in a one-line script: ${file}`);
  return url;
}
