import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_TOKEN = '00fakeApiTokenForTests0000000000000000000';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: any;
}

export interface StoredHook {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  name: string;
  type: string;
  version: string;
  channel: { type: string; version: string; config: Record<string, any> };
  created: string;
  lastUpdated: string;
}

/**
 * The Management API paths the registration uses, with Okta's documented shapes: inline hooks (list,
 * create, replace, activate, execute) and an authorization server's policies and rules. Like Okta, it
 * never returns the header secret or the client secret it stores, and answers errors as Okta does.
 */
export interface FakeOkta {
  orgUrl: string;
  requests: RecordedRequest[];
  writes(): RecordedRequest[];
  hooks: Map<string, StoredHook>;
  rules: Map<string, { policyId: string; rule: Record<string, any> }>;
  addHook(hook: Omit<StoredHook, 'id' | 'created' | 'lastUpdated'>): StoredHook;
  close(): Promise<void>;
}

export const AUTH_SERVER_ID = 'aus1patients';
export const POLICY_ID = '00p1patients';
export const RULE_ID = '0pr1signin';

export async function startFakeOkta(): Promise<FakeOkta> {
  const requests: RecordedRequest[] = [];
  const hooks = new Map<string, StoredHook>();
  const rules = new Map<string, { policyId: string; rule: Record<string, any> }>();
  rules.set(RULE_ID, { policyId: POLICY_ID, rule: documentedRule(RULE_ID, 'Patient sign-in') });
  rules.set('0pr2machines', { policyId: POLICY_ID, rule: documentedRule('0pr2machines', 'Machines') });
  let next = 1;
  const now = () => new Date().toISOString();
  const addHook: FakeOkta['addHook'] = (hook) => {
    const stored = { ...structuredClone(hook), id: `calFake${next++}`, created: now(), lastUpdated: now() };
    hooks.set(stored.id, stored);
    return stored;
  };

  const server: Server = createServer((request, response) => {
    void readJson(request).then(async (body) => {
      const url = new URL(request.url ?? '/', 'http://okta');
      const path = `${url.pathname}${url.search}`;
      requests.push({ method: request.method ?? 'GET', path, authorization: request.headers.authorization, body });
      const answer = (status: number, value?: unknown) => {
        response.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        response.end(value === undefined ? undefined : JSON.stringify(value));
      };
      if (request.headers.authorization !== `SSWS ${API_TOKEN}`) {
        return answer(401, oktaError('E0000011', 'Invalid token provided'));
      }
      const route = `${request.method} ${url.pathname}`;
      let match: RegExpMatchArray | null;
      if (route === 'GET /api/v1/inlineHooks') {
        const type = url.searchParams.get('type');
        return answer(200, [...hooks.values()].filter((hook) => !type || hook.type === type).map(withoutSecrets));
      }
      if (route === 'POST /api/v1/inlineHooks') {
        const invalid = validateHook(body);
        if (invalid) return answer(400, oktaError('E0000001', 'Api validation failed: inlineHook', [invalid]));
        return answer(200, withoutSecrets(addHook({ ...body, status: 'ACTIVE' })));
      }
      if ((match = route.match(/^PUT \/api\/v1\/inlineHooks\/(\w+)$/))) {
        const hook = hooks.get(match[1] as string);
        if (!hook) return answer(404, oktaError('E0000007', `Not found: Resource not found: ${match[1]} (InlineHook)`));
        const invalid = validateHook(body);
        if (invalid) return answer(400, oktaError('E0000001', 'Api validation failed: inlineHook', [invalid]));
        const updated = { ...hook, name: body.name, channel: body.channel, lastUpdated: now() };
        hooks.set(hook.id, updated);
        return answer(200, withoutSecrets(updated));
      }
      if ((match = route.match(/^POST \/api\/v1\/inlineHooks\/(\w+)\/lifecycle\/activate$/))) {
        const hook = hooks.get(match[1] as string);
        if (!hook) return answer(404, oktaError('E0000007', 'Not found: Resource not found'));
        hook.status = 'ACTIVE';
        return answer(200, withoutSecrets(hook));
      }
      if ((match = route.match(/^POST \/api\/v1\/inlineHooks\/(\w+)\/execute$/))) {
        const hook = hooks.get(match[1] as string);
        if (!hook) return answer(404, oktaError('E0000007', 'Not found: Resource not found'));
        return execute(hook, body, answer);
      }
      const server = `/api/v1/authorizationServers/${AUTH_SERVER_ID}`;
      if (route === `GET ${server}/policies`) return answer(200, [{ id: POLICY_ID, type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Patients', status: 'ACTIVE' }]);
      if (route === `GET ${server}/policies/${POLICY_ID}/rules`) return answer(200, [...rules.values()].map(({ rule }) => rule));
      if ((match = route.match(new RegExp(`^(GET|PUT) ${server}/policies/(\\w+)/rules/(\\w+)$`)))) {
        const stored = rules.get(match[3] as string);
        if (!stored || stored.policyId !== match[2]) return answer(404, oktaError('E0000007', `Not found: Resource not found: ${match[3]} (PolicyRule)`));
        if (match[1] === 'PUT') {
          if (!body?.name || !body?.conditions || !body?.actions) return answer(400, oktaError('E0000001', 'Api validation failed: rule'));
          stored.rule = { ...body, id: stored.rule.id, _links: stored.rule._links, lastUpdated: now() };
        }
        return answer(200, stored.rule);
      }
      return answer(404, oktaError('E0000022', 'The endpoint does not support the provided HTTP method'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    orgUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    writes: () => requests.filter((request) => request.method !== 'GET'),
    hooks,
    rules,
    addHook,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Okta's execute: sends the body through the hook's channel and passes the answer back. */
async function execute(hook: StoredHook, body: unknown, answer: (status: number, value?: unknown) => void): Promise<void> {
  const { uri, authScheme } = hook.channel.config;
  const reply = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(authScheme ? { [authScheme.key]: authScheme.value } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
  const text = await reply.text();
  if (reply.status === 204) return answer(204);
  if (reply.status !== 200) {
    return answer(400, oktaError('E0000001', 'Api validation failed: Error while invoking inline hook', [`The inline hook responded with status ${reply.status}`]));
  }
  answer(200, JSON.parse(text));
}

function documentedRule(id: string, name: string): Record<string, any> {
  return {
    type: 'RESOURCE_ACCESS',
    id,
    status: 'ACTIVE',
    name,
    priority: 1,
    created: '2024-01-01T00:00:00.000Z',
    lastUpdated: '2024-01-01T00:00:00.000Z',
    system: false,
    conditions: {
      people: { users: { include: [], exclude: [] }, groups: { include: ['EVERYONE'], exclude: [] } },
      grantTypes: { include: ['authorization_code', 'refresh_token'] },
      scopes: { include: ['*'] },
    },
    actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    _links: { self: { href: `https://example.okta.com/api/v1/authorizationServers/${AUTH_SERVER_ID}/policies/${POLICY_ID}/rules/${id}` } },
  };
}

function validateHook(body: any): string | undefined {
  if (typeof body?.name !== 'string' || !body.name) return 'name: The field cannot be left blank';
  const config = body.channel?.config;
  if (typeof config?.uri !== 'string' || !config.uri.startsWith('https://')) return 'channel.config.uri: The URI must be https';
  if (body.channel.type === 'HTTP' && !config.authScheme?.value) return 'channel.config.authScheme.value: The field cannot be left blank';
  if (body.channel.type === 'OAUTH' && !config.tokenUrl) return 'channel.config.tokenUrl: The field cannot be left blank';
  return undefined;
}

function withoutSecrets(hook: StoredHook): unknown {
  const copy = structuredClone(hook);
  const config = copy.channel.config;
  if (copy.channel.type === 'HTTP') {
    if (config.authScheme) delete config.authScheme.value;
  } else {
    delete config.clientSecret;
    config.authScheme = null;
  }
  return copy;
}

function oktaError(errorCode: string, errorSummary: string, causes: string[] = []): unknown {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomUUID().slice(0, 20)}`, errorCauses: causes.map((cause) => ({ errorSummary: cause })) };
}

async function readJson(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}
