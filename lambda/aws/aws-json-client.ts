import { type AwsCredentials, type AwsService, resolveEndpoint, resolveRegion } from './aws-environment.ts';
import { postOnce } from './http-transport.ts';
import { signAwsRequest } from './sigv4.ts';
import { DEADLINE_EXCEEDED } from '../request-deadline.ts';
import type { DeadlineSignal } from '../core/ports.ts';

export class AwsServiceError extends Error {
  override name = 'AwsServiceError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface AwsJsonClientOptions {
  service: AwsService;
  env: Record<string, string | undefined>;
  credentials: () => AwsCredentials;
  maxAttempts?: number;
}

const PROTOCOL: Record<AwsService, { contentType: string; targetPrefix: string }> = {
  dynamodb: { contentType: 'application/x-amz-json-1.0', targetPrefix: 'DynamoDB_20120810' },
  secretsmanager: { contentType: 'application/x-amz-json-1.1', targetPrefix: 'secretsmanager' },
};

const RETRYABLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'Throttling',
  'TooManyRequestsException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'InternalServiceError',
]);

/** How many times one call is tried, the first attempt included, unless the caller says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

export type AwsJsonCall = <Output>(operation: string, input: object, signal: DeadlineSignal) => Promise<Output>;

/**
 * The AWS JSON protocol over one keep-alive connection pool, signed with SigV4. Throttling, 5xx and
 * network faults are retried with jittered back-off, but never past the caller's signal.
 */
export function createAwsJsonClient({ service, env, credentials, maxAttempts = DEFAULT_MAX_ATTEMPTS }: AwsJsonClientOptions): AwsJsonCall {
  const endpoint = resolveEndpoint(service, env);
  const region = resolveRegion(env);
  const { contentType, targetPrefix } = PROTOCOL[service];

  return async function call<Output>(operation: string, input: object, signal: DeadlineSignal): Promise<Output> {
    const body = JSON.stringify(input);
    // Awaited so a benchmark variant may swap in an asynchronous signer (bench/variants).
    const headers = await signAwsRequest(
      { method: 'POST', url: endpoint, headers: { 'content-type': contentType, 'x-amz-target': `${targetPrefix}.${operation}` }, body },
      { service, region, credentials: credentials() },
    );

    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        const response = await postOnce(endpoint, headers, body, signal);
        if (response.status === 200) return JSON.parse(response.body) as Output;
        failure = toServiceError(response.status, response.body);
      } catch (error) {
        failure = signal.aborted ? deadlineError(operation) : error;
      }
      const retryable = failure instanceof AwsServiceError ? failure.retryable : !signal.aborted;
      if (!retryable || attempt >= maxAttempts) throw failure;
      await backOff(attempt, signal).catch(() => {
        throw deadlineError(operation);
      });
    }
  };
}

function toServiceError(status: number, body: string): AwsServiceError {
  let code = `Http${status}`;
  let message = `AWS answered HTTP ${status}`;
  try {
    const parsed = JSON.parse(body) as { __type?: string; message?: string; Message?: string };
    if (parsed.__type) code = parsed.__type.slice(parsed.__type.lastIndexOf('#') + 1);
    message = parsed.message ?? parsed.Message ?? message;
  } catch {
    // Not JSON (a proxy or load balancer page): the status says enough.
  }
  return new AwsServiceError(code, status, message, status >= 500 || status === 429 || RETRYABLE_CODES.has(code));
}

function deadlineError(operation: string): AwsServiceError {
  return new AwsServiceError(DEADLINE_EXCEEDED, 0, `${operation} did not finish before its deadline`, false);
}

/** Full-jitter exponential back-off (25 ms base, 250 ms cap), cut short by the signal. */
function backOff(attempt: number, signal: DeadlineSignal): Promise<void> {
  const delay = Math.random() * Math.min(250, 25 * 2 ** attempt);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
