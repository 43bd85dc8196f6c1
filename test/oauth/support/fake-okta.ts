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
  /** Users by id, in the shape GET /api/v1/users/{idOrLogin} answers. */
  users: Map<string, OktaUser>;
  addUser(user: { login: string; id?: string; status?: OktaUser['status'] }): OktaUser;
  /**
   * The next `count` user lookups answer 429, as Okta does when the minute's limit is spent, with
   * X-Rate-Limit-Reset `resetInSeconds` after the Date header.
   */
  throttleUserLookups(count: number, resetInSeconds?: number): void;
  close(): Promise<void>;
}

/** Okta's user object, as its Users API documents it. */
export interface OktaUser {
  id: string;
  status: 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: { firstName: string | null; lastName: string | null; mobilePhone: string | null; secondEmail: string | null; login: string; email: string };
  credentials: { password: Record<string, never>; provider: { type: 'OKTA'; name: 'OKTA' } };
  _links: Record<string, { href: string }>;
}

/** What the fake answers with on user lookups, like Okta's headers on GET /api/v1/users/{idOrLogin}. */
export const USER_LOOKUP_LIMIT = 600;

export const AUTH_SERVER_ID = 'aus1patients';
export const POLICY_ID = '00p1patients';
export const RULE_ID = '0pr1signin';

export async function startFakeOkta(): Promise<FakeOkta> {
  const requests: RecordedRequest[] = [];
  const hooks = new Map<string, StoredHook>();
  const rules = new Map<string, { policyId: string; rule: Record<string, any> }>();
  rules.set(RULE_ID, { policyId: POLICY_ID, rule: documentedRule(RULE_ID, 'Patient sign-in') });
  rules.set('0pr2machines', { policyId: POLICY_ID, rule: documentedRule('0pr2machines', 'Machines') });
  const users = new Map<string, OktaUser>();
  let throttled = 0;
  let throttledResetIn = 0;
  let lookupsThisMinute = 0;
  let next = 1;
  const now = () => new Date().toISOString();
  const addUser: FakeOkta['addUser'] = ({ login, id = oktaId('00u', next++), status = 'ACTIVE' }) => {
    const user = documentedUser(id, login, status);
    users.set(id, user);
    return user;
  };
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
      const answer = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { ...headers, ...(value === undefined ? {} : { 'content-type': 'application/json' }) });
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
      if ((match = route.match(/^GET \/api\/v1\/users\/([^/]+)$/))) {
        // Okta's rate limit headers: the reset is in epoch seconds on Okta's clock (the Date header).
        const reset = Math.floor(Date.now() / 1000);
        if (throttled > 0) {
          throttled--;
          const headers = { 'x-rate-limit-limit': String(USER_LOOKUP_LIMIT), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset + throttledResetIn) };
          return answer(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), headers);
        }
        lookupsThisMinute++;
        const headers = { 'x-rate-limit-limit': String(USER_LOOKUP_LIMIT), 'x-rate-limit-remaining': String(USER_LOOKUP_LIMIT - lookupsThisMinute), 'x-rate-limit-reset': String(reset + 60) };
        const wanted = decodeURIComponent(match[1] as string);
        const user = findUser(users, wanted);
        if (!user) return answer(404, oktaError('E0000007', `Not found: Resource not found: ${wanted} (User)`), headers);
        return answer(200, user, headers);
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
    users,
    addUser,
    throttleUserLookups: (count, resetInSeconds = 0) => {
      throttled += count;
      throttledResetIn = resetInSeconds;
    },
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

/**
 * GET /api/v1/users/{id}: "id, login, or login shortname (as long as it is unambiguous)". Okta holds
 * logins unique without regard to case; whether its case-insensitive match also folds Unicode (the
 * Kelvin sign to k) is unconfirmed, so the fake takes the worst case and folds it.
 */
function findUser(users: ReadonlyMap<string, OktaUser>, wanted: string): OktaUser | undefined {
  const byId = users.get(wanted);
  if (byId) return byId;
  const fold = (value: string) => value.toLowerCase();
  const all = [...users.values()];
  const byLogin = all.find((user) => fold(user.profile.login) === fold(wanted));
  if (byLogin) return byLogin;
  const byShortname = all.filter((user) => fold(user.profile.login.split('@')[0] as string) === fold(wanted));
  return byShortname.length === 1 ? byShortname[0] : undefined;
}

function documentedUser(id: string, login: string, status: OktaUser['status']): OktaUser {
  const href = `https://example.okta.com/api/v1/users/${id}`;
  return {
    id,
    status,
    created: '2024-01-01T00:00:00.000Z',
    activated: status === 'ACTIVE' ? '2024-01-01T00:00:00.000Z' : null,
    statusChanged: '2024-01-01T00:00:00.000Z',
    lastLogin: null,
    lastUpdated: '2024-01-01T00:00:00.000Z',
    passwordChanged: '2024-01-01T00:00:00.000Z',
    type: { id: 'oty1defaultusertype' },
    profile: { firstName: 'Test', lastName: 'Patient', mobilePhone: null, secondEmail: null, login, email: login.includes('@') ? login : `${login}@example.com` },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href }, deactivate: { href: `${href}/lifecycle/deactivate` } },
  };
}

/** An Okta-shaped id: a 3-character type prefix and 17 letters and digits, 20 in all. */
function oktaId(prefix: string, sequence: number): string {
  return `${prefix}${`fake${sequence}`.padStart(17, 'X')}`;
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
