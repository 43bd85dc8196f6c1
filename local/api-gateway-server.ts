import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Lambda's handler signature, with the one field of Lambda's context the hook reads. */
export type ApiGatewayV2Handler = (
  event: APIGatewayProxyEventV2,
  context: { awsRequestId: string },
) => Promise<APIGatewayProxyStructuredResultV2>;

// API Gateway HTTP APIs refuse payloads over 10 MB before the function sees them.
const API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024;
const TEXT_CONTENT = /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i;

/**
 * Lambda gives an instance one event at a time and starts more instances for a burst; this process is
 * all the instances there are. Unbounded, 500 parallel requests all start their deadline at once, then
 * wait on one another's CPU and on the store's connection pool, and most answer 204 by the failure
 * policy. Bounded, a request waits for its turn before its deadline starts, as it would for an
 * instance. 16, 32 and 64 all gave every claim on a shared 2-core machine; 32 keeps the throughput.
 */
export const LOCAL_CONCURRENCY = 32;

export interface ApiGatewayServerOptions {
  /** How many events the handler works on at once; the others wait in arrival order. */
  concurrency?: number;
}

/**
 * A local stand-in for an API Gateway HTTP API with a `$default` route: each HTTP request becomes the
 * payload v2 event API Gateway would send, and the handler's result becomes the HTTP answer.
 */
export function createApiGatewayServer(
  handler: ApiGatewayV2Handler,
  { concurrency = LOCAL_CONCURRENCY }: ApiGatewayServerOptions = {},
): Server {
  const invoke = inTurn(handler, concurrency);
  return createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        if (body === undefined) return send(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
        // Lambda gives every invocation a request id of its own, besides API Gateway's in the event.
        const result = await invoke(toApiGatewayEvent(request, body), { awsRequestId: randomUUID() });
        send(response, result);
      })
      .catch(() => send(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' }));
  });
}

export function toApiGatewayEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] as string).toLowerCase();
    const value = request.rawHeaders[i + 1] as string;
    if (name === 'cookie') cookies.push(...value.split(/;\s*/));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  const isText = body.length === 0 || TEXT_CONTENT.test(headers['content-type'] ?? '');
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(url.searchParams.size > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] as string,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: formatApiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: body.toString(isText ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: !isText,
  };
}

function inTurn(handler: ApiGatewayV2Handler, concurrency: number): ApiGatewayV2Handler {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (event, context) => {
    if (running < concurrency) running++;
    else await new Promise<void>((turn) => waiting.push(turn));
    try {
      return await handler(event, context);
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_PAYLOAD) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

// API Gateway's requestContext.time format, e.g. "12/Mar/2020:19:03:58 +0000".
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function formatApiGatewayTime(date: Date): string {
  const month = MONTHS[date.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
