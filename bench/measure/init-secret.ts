import { pathToFileURL } from 'node:url';
import { startFakeSecretsManager } from '../../test/support/fake-secrets-manager.ts';
import { run } from '../support/process-timer.ts';
import { BENCH_CREDENTIAL } from '../support/requests.ts';
import { BENCH_SECRET, withSecretAtInit } from './cold-start.ts';

export interface InitSecretCheck {
  method: string;
  /** The import waited for Secrets Manager: it took at least the stand-in's delay. */
  importWaitedForSecret: boolean;
  importMs: number;
  secretDelayMs: number;
  /** GetSecretValue calls made before the import finished (at init), by version stage. */
  callsAtInit: string[];
  /** GetSecretValue calls made after it: the first request must make none. */
  callsAfterInit: number;
  firstAnswerMs: number;
  firstAnswerCorrect: boolean;
  passed: boolean;
}

/**
 * Verifies on the built bundle that the Basic credential is read from Secrets Manager during init (the
 * top-level await in lambda/handler.ts) and not by the first request: the stand-in answers after a
 * delay, so the import must take at least that long, every call must arrive before the import ends,
 * and the first request must answer in less than the delay.
 */
export async function checkSecretAtInit(bundleFile: string, env: Record<string, string>, secretDelayMs = 300): Promise<InitSecretCheck> {
  const secrets = await startFakeSecretsManager(BENCH_CREDENTIAL, BENCH_SECRET);
  secrets.fault({ delayMs: secretDelayMs });
  try {
    const script = [
      'let t = performance.now();',
      `const { handler } = await import('${pathToFileURL(bundleFile).href}');`,
      'const importMs = performance.now() - t; const importedAt = Date.now(); t = performance.now();',
      'const answer = await handler(JSON.parse(process.env.BENCH_EVENT));',
      'const firstAnswerMs = performance.now() - t;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the child's script, not in this one.
      'process.stdout.write(`\\n${JSON.stringify({ importMs, importedAt, firstAnswerMs, correct: answer.statusCode === 200 && answer.body === process.env.BENCH_EXPECTED_BODY })}\\n`);',
    ].join(' ');
    const output = await run(process.execPath, ['--input-type=module', '-e', script], {
      ...withSecretAtInit(env, secrets.endpoint),
      LOG_LEVEL: 'warn',
    });
    const last = output.trim().split('\n').at(-1) ?? '{}';
    const { importMs, importedAt, firstAnswerMs, correct } = JSON.parse(last) as {
      importMs: number;
      importedAt: number;
      firstAnswerMs: number;
      correct: boolean;
    };
    const calls = secrets.calls.filter((call) => call.operation === 'GetSecretValue');
    const callsAtInit = calls
      .filter((call) => call.at <= importedAt)
      .map((call) => (call.input.VersionStage as string | undefined) ?? 'AWSCURRENT');
    const callsAfterInit = calls.length - callsAtInit.length;
    const importWaitedForSecret = importMs >= secretDelayMs;
    return {
      method: `the bundle with HOOK_SECRET_ID and AWS_ENDPOINT_URL_SECRETS_MANAGER pointing at a stand-in on 127.0.0.1 that answers GetSecretValue after ${secretDelayMs} ms; one cold process imports it, then answers the patient request`,
      importWaitedForSecret,
      importMs: Math.round(importMs),
      secretDelayMs,
      callsAtInit,
      callsAfterInit,
      firstAnswerMs: Math.round(firstAnswerMs * 10) / 10,
      firstAnswerCorrect: correct,
      passed:
        importWaitedForSecret && callsAtInit.includes('AWSCURRENT') && callsAfterInit === 0 && correct && firstAnswerMs < secretDelayMs,
    };
  } finally {
    await secrets.close();
  }
}
