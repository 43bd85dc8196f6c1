import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../support/ports.ts';
import { DEFAULT_HOOK_PATH } from '../../lambda/config.ts';
import { BENCH_AUTHORIZATION, type BenchCase, loadMix } from '../support/requests.ts';
import { round } from '../support/stats.ts';

export interface LoadResult {
  method: string;
  connections: number;
  durationS: number;
  requestsPerSecond: number;
  totalRequests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Answers whose status or body was not the one expected for their request. */
  wrongAnswers: number;
  /** Answers checked against their expectation (every one autocannon received). */
  checkedAnswers: number;
  firstWrongAnswer?: string;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm start` (tsx scripts/start-local.ts: embedded dynalite store with the sample patients, the API
 * Gateway stand-in, the same handler) on free ports with a throw-away data folder, under autocannon.
 * Every answer is checked against the one expected for its request.
 */
export async function measureLoad({ connections = 100, durationS = 20, warmupS = 2 } = {}): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const [port, dynamoDbPort] = [await freePort(), await freePort()];
  const server = startLocalServer(port, dynamoDbPort, dataDir);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(url, server, dataDir);
    const cases = loadMix();
    for (const one of cases) await checkOnce(url, one);

    await autocannon({ url, connections: 10, duration: warmupS, requests: cases.map((one) => toRequest(one, () => {})) });

    let checked = 0;
    let wrong = 0;
    let firstWrong: string | undefined;
    const requests = cases.map((one) =>
      toRequest(one, (problem) => {
        checked++;
        if (problem === undefined) return;
        wrong++;
        firstWrong ??= problem;
      }),
    );
    const result = await autocannon({ url, connections, duration: durationS, timeout: 10, requests });
    return {
      method: `tsx scripts/start-local.ts (npm start) on free ports, fresh LOCAL_DATA_DIR, default log level (lines to a file); autocannon ${connections} connections, ${durationS} s after a ${warmupS} s warm-up, cycling ${cases.length} requests (${cases.filter((c) => c.status === 200).length} patients, ${cases.filter((c) => c.status !== 200).length} not); every status and body compared with the expected one`,
      connections,
      durationS,
      requestsPerSecond: round(result.requests.average, 0),
      totalRequests: result.requests.total,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      wrongAnswers: wrong,
      checkedAnswers: checked,
      ...(firstWrong ? { firstWrongAnswer: firstWrong } : {}),
    };
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function toRequest(one: BenchCase, report: (problem: string | undefined) => void) {
  return {
    method: 'POST',
    path: DEFAULT_HOOK_PATH,
    headers: { authorization: BENCH_AUTHORIZATION, 'content-type': 'application/json' },
    body: one.body,
    onResponse(status: number, body: string) {
      const ok = status === one.status && (body ?? '') === one.expectedBody;
      report(ok ? undefined : `${one.label}: got ${status} ${String(body).slice(0, 200)}, expected ${one.status} ${one.expectedBody}`);
    },
  };
}

function startLocalServer(port: number, dynamoDbPort: number, dataDir: string): ChildProcess {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const log = openSync(join(dataDir, 'server.log'), 'w');
  try {
    return spawn(process.execPath, [tsx, 'scripts/start-local.ts'], {
      cwd: REPO,
      // What `npm start` needs and nothing of the caller's AWS or hook settings.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
        PORT: String(port),
        DYNAMODB_PORT: String(dynamoDbPort),
        LOCAL_DATA_DIR: join(dataDir, 'dynamodb'),
      },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

async function waitUntilAnswering(url: string, server: ChildProcess, dataDir: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}:\n${tail(join(dataDir, 'server.log'))}`);
    const answered = await new Promise<boolean>((resolve) => {
      const probe = request(`${url}${DEFAULT_HOOK_PATH}`, { method: 'GET', timeout: 1000 }, (response) => {
        response.resume();
        resolve(true);
      });
      probe.on('error', () => resolve(false));
      probe.on('timeout', () => probe.destroy());
      probe.end();
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start did not answer within ${timeoutMs / 1000} s:\n${tail(join(dataDir, 'server.log'))}`);
}

async function checkOnce(url: string, one: BenchCase): Promise<void> {
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const call = request(
      `${url}${DEFAULT_HOOK_PATH}`,
      { method: 'POST', headers: { authorization: BENCH_AUTHORIZATION, 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    call.on('error', reject);
    call.end(one.body);
  });
  if (status !== one.status || body !== one.expectedBody) {
    throw new Error(`before the load, ${one.label} answered ${status} ${body}; expected ${one.status} ${one.expectedBody}`);
  }
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
