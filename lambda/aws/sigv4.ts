import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials } from './aws-environment.ts';

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
export function signAwsRequest(
  request: SignableRequest,
  { service, region, credentials }: SigningScope,
  now: Date = new Date(),
): Record<string, string> {
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
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
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
