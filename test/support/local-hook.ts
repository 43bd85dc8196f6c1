import type { AddressInfo } from 'node:net';
import { createApiGatewayServer } from '../../local/api-gateway-server.ts';
import type { EmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { localHookEnvironment } from '../../local/local-environment.ts';
import { createJsonLogger, createRequestLog, describeError, METRICS_NAMESPACE } from '../../lambda/observability.ts';
import type { HookHandler } from '../../lambda/hook.ts';
import { SERVICE_NAME, wireHookFromEnvironment } from '../../lambda/wiring.ts';
import { captureLine } from './captured-output.ts';
import { startSeededStore } from './seeded-store.ts';

export const LOCAL_AUTHORIZATION = `Basic ${Buffer.from('admin:supersecret').toString('base64')}`;

export interface LocalHook {
  /** Base URL of the local API, e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  hookUrl: string;
  /** The handler the server calls, for events the local server does not make (a function URL's, a mapped route's). */
  handle: HookHandler;
  /** Every line the hook wrote, as JSON text: one a request (the log entry and its EMF metrics) and any others. */
  logs: string[];
  /** The embedded store, when the harness started one. */
  store?: EmbeddedDynamoDb;
  close(): Promise<void>;
}

export interface LocalHookOptions {
  /** Extra environment for the hook (FAILURE_MODE, CLAIM_TOKENS, ...). */
  env?: Record<string, string>;
  /** Use this DynamoDB endpoint instead of starting an embedded store (for fault tests). */
  storeEndpoint?: string;
  /** Run Lambda's init as lambda/handler.ts does (`caller.prepare()`, a failure logged) before serving. */
  init?: boolean;
}

/**
 * The local stack as `npm start` runs it (embedded DynamoDB with the sample patients, the API Gateway
 * adapter, the handler wired from the environment), on free ports, with logs and metrics captured.
 */
export async function startLocalHook({ env = {}, storeEndpoint, init = false }: LocalHookOptions = {}): Promise<LocalHook> {
  let store: EmbeddedDynamoDb | undefined;
  if (!storeEndpoint) store = await startSeededStore();
  const logs: string[] = [];
  const hook = wireHookFromEnvironment(
    localHookEnvironment({ LOG_LEVEL: 'debug', ...env }, storeEndpoint ?? (store as EmbeddedDynamoDb).endpoint),
    {
      log: createJsonLogger({ level: 'debug', service: SERVICE_NAME, write: keepIn(logs) }),
      requests: createRequestLog({ namespace: METRICS_NAMESPACE, write: keepIn(logs) }),
    },
  );
  if (init) await hook.caller.prepare().catch((error: unknown) => hook.log.error('credential not loaded at init', describeError(error)));
  const server = createApiGatewayServer(hook.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    hookUrl: `${baseUrl}/tokenHook`,
    handle: hook.handle,
    logs,
    ...(store ? { store } : {}),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store?.close();
    },
  };
}

// Each line is also kept for the output scan of test/support/scan-output.setup.ts.
function keepIn(lines: string[]): (line: string) => void {
  return (line) => {
    lines.push(line);
    captureLine(line);
  };
}

export interface HookReply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when there is none. */
  json: unknown;
}

export interface SendOptions {
  authorization?: string | null;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

/** Sends a real HTTP request to the local hook, with the local Basic credential unless told otherwise. */
export async function sendToHook(hook: LocalHook, body: unknown, options: SendOptions = {}): Promise<HookReply> {
  const { authorization = LOCAL_AUTHORIZATION, method = 'POST', path = '/tokenHook', headers = {} } = options;
  const response = await fetch(`${hook.baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(authorization === null ? {} : { authorization }),
      ...headers,
    },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}
