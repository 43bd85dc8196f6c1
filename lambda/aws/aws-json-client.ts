import { createHash, createHmac } from 'node:crypto';
import { type AwsCredentials, type AwsService, resolveEndpoint, resolveRegion } from './aws-environment.ts';
import { postOnce } from './http-transport.ts';

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
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'Throttling',
  'TooManyRequestsException', 'InternalServerError', 'InternalFailure', 'ServiceUnavailable',
  'InternalServiceError',
]);

export type AwsJsonCall = <Output>(operation: string, input: object, signal: AbortSignal) => Promise<Output>;

/**
 * The AWS JSON protocol over one keep-alive connection pool, signed with SigV4. Throttling, 5xx and
 * network faults are retried with jittered back-off, but never past the caller's signal.
 */
export function createAwsJsonClient({ service, env, credentials, maxAttempts = 3 }: AwsJsonClientOptions): AwsJsonCall {
  const endpoint = resolveEndpoint(service, env);
  const region = resolveRegion(env);
  const { contentType, targetPrefix } = PROTOCOL[service];

  return async function call<Output>(operation: string, input: object, signal: AbortSignal): Promise<Output> {
    const body = JSON.stringify(input);
    const headers = signAwsRequest(
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
  return new AwsServiceError('DeadlineExceeded', 0, `${operation} did not finish before its deadline`, false);
}

/** Full-jitter exponential back-off (25 ms base, 250 ms cap), cut short by the signal. */
function backOff(attempt: number, signal: AbortSignal): Promise<void> {
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

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export interface SigningScope {
  service: string;
  region: string;
  credentials: AwsCredentials;
}

// Headers the HTTP client or a proxy may add, drop or rewrite: signing them would break the signature.
const UNSIGNED_HEADERS = new Set(['authorization', 'connection', 'content-length', 'expect', 'user-agent', 'x-amzn-trace-id']);

/**
 * AWS Signature Version 4 in the Authorization header: the request's headers, lower-cased, plus
 * x-amz-date, x-amz-security-token and authorization; the HTTP client adds host, which is signed.
 *
 * Hand-written on node:crypto rather than aws4fetch, whose global Headers and crypto.subtle make Node
 * load undici and WebCrypto on the first AWS call: about 15 ms of a cold start (bench/README.md).
 * Checked against AWS's published SigV4 test suite (test/aws/sigv4-test-suite.test.ts).
 */
export function signAwsRequest(request: SignableRequest, { service, region, credentials }: SigningScope, now: Date = new Date()): Record<string, string> {
  const datetime = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const date = datetime.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value.trim();
  delete headers.host;
  headers['x-amz-date'] = datetime;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const canonical: Record<string, string> = { host: request.url.host };
  for (const [name, value] of Object.entries(headers)) {
    if (!UNSIGNED_HEADERS.has(name)) canonical[name] = value.replace(/\s+/g, ' ');
  }
  const signedNames = Object.keys(canonical).sort();
  const signedHeaders = signedNames.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.url),
    canonicalQuery(request.url),
    `${signedNames.map((name) => `${name}:${canonical[name]}`).join('\n')}\n`,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', datetime, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service)).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

// The key changes once a day per secret; deriving it is four HMACs, so each service keeps its last one.
const signingKeys = new Map<string, { secretAccessKey: string; date: string; key: Buffer }>();

function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const scope = `${region}/${service}`;
  const kept = signingKeys.get(scope);
  if (kept?.secretAccessKey === secretAccessKey && kept.date === date) return kept.key;
  let key = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  signingKeys.set(scope, { secretAccessKey, date, key });
  return key;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

// Every service but S3 signs the path URI-encoded twice: once as sent, once more in the signature.
function canonicalPath(url: URL): string {
  return encodeRfc3986(encodeURIComponent(url.pathname.replace(/\/+/g, '/')).replaceAll('%2F', '/'));
}

function canonicalQuery(url: URL): string {
  return [...url.searchParams]
    .filter(([name]) => name !== '')
    .map(([name, value]) => [encodeRfc3986(encodeURIComponent(name)), encodeRfc3986(encodeURIComponent(value))] as const)
    .sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function encodeRfc3986(encoded: string): string {
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
