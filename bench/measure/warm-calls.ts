import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { stageMetricsNamespace } from '../../lambda/observability.ts';
import { mad, median, round } from '../support/stats.ts';

/**
 * What a deployed function has that shows in the request line: the namespace of its stage (prod's here,
 * as infra/ sets it) and, per call, a request id in Lambda's UUID form (the child makes one per call),
 * beside API Gateway's in the event (bench/support/requests.ts). The function name, as Lambda sets it.
 */
const AWS_LIKE_ENVIRONMENT = {
  AWS_LAMBDA_FUNCTION_NAME: 'OktaTokenHook-prod-HookFunctionA1B2C3D4-Ab1Cd2Ef3Gh4',
  METRICS_NAMESPACE: stageMetricsNamespace('prod'),
};

export interface WarmCallsResult {
  method: string;
  /** Median over the processes of each one's CPU time (user + system) a call, in µs. */
  cpuUsPerCall: number;
  cpuUsPerCallMad: number;
  /** Of it, user time (the rest is the kernel's: mostly the socket to the store). */
  userUsPerCall: number;
  /** Bytes the handler wrote to stdout a call, the newline included: its log lines (0 for the floor). */
  logBytesPerCall: number;
  /** The first call's bytes: an execution environment's first line counts ColdStart too. */
  firstCallLogBytes: number;
}

export interface WarmCallsOptions {
  processes: number;
  warmup: number;
  calls: number;
}

interface ProcessSample {
  cpuUs: number;
  userUs: number;
  firstBytes: number;
  measuredBytes: number;
}

// The child: import the handler, check and time its calls; its own report goes to stderr, so stdout
// holds only what the handler wrote, as Lambda would ship it.
const CHILD = `
const { handler } = await import(process.env.BENCH_MODULE);
const event = JSON.parse(process.env.BENCH_EVENT);
const expected = process.env.BENCH_EXPECTED_BODY;
const warmup = Number(process.env.BENCH_WARMUP), calls = Number(process.env.BENCH_CALLS);
let written = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => { written += Buffer.byteLength(chunk); return write(chunk, ...rest); };
const call = async () => {
  const answer = await handler(event, { awsRequestId: crypto.randomUUID() });
  if (answer.statusCode !== 200 || answer.body !== expected) { process.stderr.write('wrong answer: ' + answer.statusCode); process.exit(3); }
};
await call();
const firstBytes = written;
for (let i = 1; i < warmup; i++) await call();
const before = process.cpuUsage(), bytesBefore = written;
for (let i = 0; i < calls; i++) await call();
const used = process.cpuUsage(before);
process.stderr.write(JSON.stringify({ cpuUs: (used.user + used.system) / calls, userUs: used.user / calls, firstBytes, measuredBytes: (written - bytesBefore) / calls }));
`;

function runProcess(module: string, env: Record<string, string>, options: WarmCallsOptions): Promise<ProcessSample> {
  const childEnv = {
    ...env,
    BENCH_MODULE: pathToFileURL(module).href,
    BENCH_WARMUP: String(options.warmup),
    BENCH_CALLS: String(options.calls),
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD],
      { env: childEnv, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`${module}: ${String(error)} ${stderr.slice(0, 2000)}`));
        else resolve(JSON.parse(stderr) as ProcessSample);
      },
    );
  });
}

/**
 * Warm calls of built handlers side by side: each module in processes of its own, interleaved (A B, B A,
 * ...), every call the patient request answered from the store (dynalite on 127.0.0.1, in its own
 * process, so its CPU is not counted) over the handler's own signed, kept-alive HTTP connection, with the
 * environment Lambda gives (AWS_LAMBDA_FUNCTION_NAME) and a request id per call.
 */
export async function measureWarmCalls(
  modules: readonly { name: string; file: string }[],
  env: Record<string, string>,
  options: WarmCallsOptions,
): Promise<WarmCallsResult[]> {
  const awsLike = { ...env, ...AWS_LIKE_ENVIRONMENT };
  const samples = modules.map((): ProcessSample[] => []);
  for (let round = 0; round < options.processes; round++) {
    const order = modules.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) samples[index]?.push(await runProcess(modules[index]?.file as string, awsLike, options));
  }
  return samples.map((series) => ({
    method: `${options.processes} processes each, interleaved; in each, ${options.warmup} calls, then process.cpuUsage() over ${options.calls} sequential calls of the patient request against dynalite (signed GetItem, keep-alive), stdout to a pipe; ${Object.entries(
      AWS_LIKE_ENVIRONMENT,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')} and a UUID request id a call; median of the processes`,
    cpuUsPerCall: round(median(series.map((sample) => sample.cpuUs))),
    cpuUsPerCallMad: round(mad(series.map((sample) => sample.cpuUs))),
    userUsPerCall: round(median(series.map((sample) => sample.userUs))),
    logBytesPerCall: round(median(series.map((sample) => sample.measuredBytes))),
    firstCallLogBytes: median(series.map((sample) => sample.firstBytes)),
  }));
}
