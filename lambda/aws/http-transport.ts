import { Agent as HttpAgent, type RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import type { DeadlineSignal } from '../core/ports.ts';

export interface HttpResponse {
  status: number;
  body: string;
}

// Larger answers than this are not a GetItem, a GetSecretValue or a key set we asked for.
const MAX_RESPONSE_BYTES = 1024 * 1024;

// One keep-alive pool for every AWS call: a warm invocation reuses the TLS connection.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

const keptAlive = (url: URL): HttpAgent => (url.protocol === 'http:' ? agents['http:'] : agents['https:']);

// http.request reads a URL's parts through its getters on every call; an endpoint's URL is made once and
// called on every request, so its parts are read once, the way http.request reads them.
const targets = new WeakMap<URL, RequestOptions>();

function targetOf(url: URL): RequestOptions {
  let target = targets.get(url);
  if (target === undefined) {
    target = urlToHttpOptions(url);
    targets.set(url, target);
  }
  return target;
}

/** POSTs a body and reads the whole answer, or rejects when the signal aborts. */
export function postOnce(url: URL, headers: Record<string, string>, body: string, signal: DeadlineSignal): Promise<HttpResponse> {
  return exchange('POST', url, headers, body, signal, keptAlive(url));
}

/**
 * Leaves a connection to the URL's host open in the keep-alive pool, for the next `postOnce` there: a GET
 * of the root, which AWS service endpoints answer without reading anything (DynamoDB with a health line,
 * unsigned, not billed). During init, so the first request does not wait for the TCP and TLS handshakes.
 */
export async function openConnection(url: URL, signal: DeadlineSignal): Promise<void> {
  await exchange('GET', new URL('/', url), {}, undefined, signal, keptAlive(url));
}

/**
 * GETs a URL on a connection of its own and reads the whole answer, or rejects when the signal aborts.
 * For reads far apart (a key set, hourly): a kept-alive socket would be long closed by the server by then,
 * and a Lambda frozen in between learns that only when its request fails.
 */
export function getOnce(url: URL, headers: Record<string, string>, signal: DeadlineSignal): Promise<HttpResponse> {
  return exchange('GET', url, headers, undefined, signal, false);
}

function exchange(
  method: 'GET' | 'POST',
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
  signal: DeadlineSignal,
  agent: HttpAgent | false,
): Promise<HttpResponse> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // One listener, removed when the exchange ends. http.request's own `signal` option would do the same
    // but ties a stream-finished watcher to each request, work on every warm call (bench/README.md, "The warm path").
    const abort = () => request.destroy(signal.reason as Error);
    const settle = () => signal.removeEventListener('abort', abort);
    const request = send({ ...targetOf(url), method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) request.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        settle();
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        settle();
        reject(error);
      });
    });
    signal.addEventListener('abort', abort, { once: true });
    request.on('error', (error) => {
      settle();
      reject(error);
    });
    request.end(body);
  });
}
