import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, calculateJwkThumbprint, EmbeddedJWK, importJWK, type JWK, jwtVerify } from 'jose';

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

/** An API Services app as the org token endpoint knows it: Public key / Private key client authentication. */
export interface ServiceApp {
  clientId: string;
  /** The public key registered on the app (Okta matches the assertion's `kid` when it has one). */
  publicJwk: JWK;
  /** The Okta API scopes granted to the app. */
  scopes: string[];
  /** "Require Demonstrating Proof of Possession (DPoP) header in token requests". */
  requireDpop?: boolean;
}

/** A route the fake answers with an error instead, e.g. `PUT /api/v1/inlineHooks/{id}` with 500. */
export interface OktaFault {
  method: string;
  path: RegExp;
  status: number;
}

/**
 * The Management API paths the registration and the rotation use, with Okta's documented shapes: inline
 * hooks (list, get, create, replace, activate, execute), an authorization server's policies and rules,
 * users; and the org authorization server's token endpoint for service apps (client credentials with
 * private_key_jwt, DPoP with a nonce when the app requires it). Like Okta, it never returns the header
 * secret or the client secret it stores, and answers errors as Okta does.
 *
 * One deviation: a hook URI may be `http://127.0.0.1:<port>` (the local hook), as a test cannot present a
 * certificate Node trusts; every other URI must be https, as Okta requires.
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
  /** Registers a service app whose client assertions the token endpoint verifies with `publicJwk`. */
  addServiceApp(app: ServiceApp): void;
  /** From now on, requests matching a fault are answered with its status and Okta's error; none: all answer. */
  fault(fault: OktaFault | readonly OktaFault[] | undefined): void;
  /** The calls execute made to hooks: status the hook answered, or 'timeout'/'unreachable'. */
  hookCalls: Array<{ hookId: string; status: number | 'timeout' | 'unreachable' }>;
  /** The org token endpoint: `${orgUrl}/oauth2/v1/token`. */
  tokenUrl: string;
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
  profile: {
    firstName: string | null;
    lastName: string | null;
    mobilePhone: string | null;
    secondEmail: string | null;
    login: string;
    email: string;
  };
  credentials: { password: Record<string, never>; provider: { type: 'OKTA'; name: 'OKTA' } };
  _links: Record<string, { href: string }>;
}

/** What the fake answers with on user lookups, like Okta's headers on GET /api/v1/users/{idOrLogin}. */
export const USER_LOOKUP_LIMIT = 600;

export const AUTH_SERVER_ID = 'aus1patients';
export const POLICY_ID = '00p1patients';
export const RULE_ID = '0pr1signin';

export interface FakeOktaOptions {
  /**
   * How execute takes a hook's 204 with no body, which Okta does not document: passed back as a 204 (the
   * default, what `npm run okta:execute` reads), or refused with 400 as not matching the contract (the
   * strict reading, for what must work either way).
   */
  executeNoContent?: 'passed' | 'refused';
}

export async function startFakeOkta({ executeNoContent = 'passed' }: FakeOktaOptions = {}): Promise<FakeOkta> {
  const requests: RecordedRequest[] = [];
  const hooks = new Map<string, StoredHook>();
  const rules = new Map<string, { policyId: string; rule: Record<string, any> }>();
  rules.set(RULE_ID, { policyId: POLICY_ID, rule: documentedRule(RULE_ID, 'Patient sign-in') });
  rules.set('0pr2machines', { policyId: POLICY_ID, rule: documentedRule('0pr2machines', 'Machines') });
  const users = new Map<string, OktaUser>();
  const apps = new Map<string, ServiceApp>();
  const tokens = new Map<string, { clientId: string; scopes: string[]; jkt?: string; expiresAt: number }>();
  const seenJtis = new Set<string>();
  const nonces = new Set<string>();
  const hookCalls: FakeOkta['hookCalls'] = [];
  let currentFaults: readonly OktaFault[] = [];
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
    void readBody(request).then(async (body) => {
      const url = new URL(request.url ?? '/', 'http://okta');
      const path = `${url.pathname}${url.search}`;
      requests.push({ method: request.method ?? 'GET', path, authorization: request.headers.authorization, body });
      const answer = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { ...headers, ...(value === undefined ? {} : { 'content-type': 'application/json' }) });
        response.end(value === undefined ? undefined : JSON.stringify(value));
      };
      const origin = `http://${request.headers.host}`;
      const fault = currentFaults.find((candidate) => request.method === candidate.method && candidate.path.test(url.pathname));
      if (fault) return answer(fault.status, oktaError('E0000009', 'Internal Server Error'));
      if (request.method === 'POST' && url.pathname === '/oauth2/v1/token') {
        const issued = await issueToken(body, request.headers.dpop, `${origin}/oauth2/v1/token`);
        return answer(issued.status, issued.body, issued.headers);
      }
      const caller = await authenticate(request, `${origin}${url.pathname}`);
      if ('refused' in caller) return answer(401, oktaError('E0000011', 'Invalid token provided'));
      const route = `${request.method} ${url.pathname}`;
      // An OAuth access token reaches only what its scopes allow (an API token: what its admin may do).
      if (caller.scopes !== undefined && !mayCall(caller.scopes, request.method ?? 'GET', url.pathname)) {
        return answer(403, oktaError('E0000006', 'You do not have permission to perform the requested action'));
      }
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
      if ((match = route.match(/^GET \/api\/v1\/inlineHooks\/(\w+)$/))) {
        const hook = hooks.get(match[1] as string);
        if (!hook) return answer(404, oktaError('E0000007', `Not found: Resource not found: ${match[1]} (InlineHook)`));
        return answer(200, withoutSecrets(hook));
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
        return execute(hook, body, answer, (status) => hookCalls.push({ hookId: hook.id, status }), executeNoContent);
      }
      if ((match = route.match(/^GET \/api\/v1\/users\/([^/]+)$/))) {
        // Okta's rate limit headers: the reset is in epoch seconds on Okta's clock (the Date header).
        const reset = Math.floor(Date.now() / 1000);
        if (throttled > 0) {
          throttled--;
          const headers = {
            'x-rate-limit-limit': String(USER_LOOKUP_LIMIT),
            'x-rate-limit-remaining': '0',
            'x-rate-limit-reset': String(reset + throttledResetIn),
          };
          return answer(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), headers);
        }
        lookupsThisMinute++;
        const headers = {
          'x-rate-limit-limit': String(USER_LOOKUP_LIMIT),
          'x-rate-limit-remaining': String(USER_LOOKUP_LIMIT - lookupsThisMinute),
          'x-rate-limit-reset': String(reset + 60),
        };
        const wanted = decodeURIComponent(match[1] as string);
        const user = findUser(users, wanted);
        if (!user) return answer(404, oktaError('E0000007', `Not found: Resource not found: ${wanted} (User)`), headers);
        return answer(200, user, headers);
      }
      const server = `/api/v1/authorizationServers/${AUTH_SERVER_ID}`;
      if (route === `GET ${server}/policies`)
        return answer(200, [{ id: POLICY_ID, type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Patients', status: 'ACTIVE' }]);
      if (route === `GET ${server}/policies/${POLICY_ID}/rules`)
        return answer(
          200,
          [...rules.values()].map(({ rule }) => rule),
        );
      if ((match = route.match(new RegExp(`^(GET|PUT) ${server}/policies/(\\w+)/rules/(\\w+)$`)))) {
        const stored = rules.get(match[3] as string);
        if (!stored || stored.policyId !== match[2])
          return answer(404, oktaError('E0000007', `Not found: Resource not found: ${match[3]} (PolicyRule)`));
        if (match[1] === 'PUT') {
          if (!body?.name || !body?.conditions || !body?.actions) return answer(400, oktaError('E0000001', 'Api validation failed: rule'));
          stored.rule = { ...body, id: stored.rule.id, _links: stored.rule._links, lastUpdated: now() };
        }
        return answer(200, stored.rule);
      }
      return answer(404, oktaError('E0000022', 'The endpoint does not support the provided HTTP method'));
    });
  });
  /** The org token endpoint's client-credentials grant, answering as Okta does (OAuth error JSON). */
  async function issueToken(
    form: any,
    dpopHeader: string | string[] | undefined,
    tokenUrl: string,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const refuse = (status: number, error: string, description: string, headers?: Record<string, string>) => ({
      status,
      body: { error, error_description: description },
      ...(headers ? { headers } : {}),
    });
    if (!(form instanceof URLSearchParams))
      return refuse(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
    if (form.get('grant_type') !== 'client_credentials')
      return refuse(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return refuse(401, 'invalid_client', 'Client authentication failed.');
    const assertion = form.get('client_assertion') ?? '';
    const claimed = decodePayload(assertion);
    const app = typeof claimed?.iss === 'string' ? apps.get(claimed.iss) : undefined;
    if (!app) return refuse(401, 'invalid_client', 'The client_assertion token has an invalid issuer.');
    try {
      const { payload } = await jwtVerify(assertion, await importJWK(app.publicJwk, app.publicJwk.alg ?? 'RS256'), {
        issuer: app.clientId,
        subject: app.clientId,
        audience: tokenUrl,
      });
      if (typeof payload.exp !== 'number' || payload.exp > Date.now() / 1000 + 3600)
        return refuse(401, 'invalid_client', 'The client_assertion token has an expiration too far in the future.');
      if (typeof payload.jti !== 'string' || seenJtis.has(payload.jti))
        return refuse(401, 'invalid_client', 'The client_assertion token has already been used.');
      seenJtis.add(payload.jti);
    } catch {
      return refuse(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    const wanted = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (wanted.length === 0 || wanted.some((scope) => !app.scopes.includes(scope)))
      return refuse(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    let jkt: string | undefined;
    if (app.requireDpop) {
      if (typeof dpopHeader !== 'string') return refuse(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
      const proof = await verifyProof(dpopHeader, 'POST', tokenUrl);
      if (!proof) return refuse(400, 'invalid_dpop_proof', 'The DPoP proof JWT is invalid.');
      if (typeof proof.payload.nonce !== 'string' || !nonces.has(proof.payload.nonce)) {
        const nonce = base64url.encode(randomBytes(16));
        nonces.add(nonce);
        return refuse(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', { 'dpop-nonce': nonce });
      }
      jkt = proof.jkt;
    }
    const accessToken = `eyFake.${base64url.encode(randomBytes(24))}`;
    tokens.set(accessToken, { clientId: app.clientId, scopes: wanted, ...(jkt ? { jkt } : {}), expiresAt: Date.now() + 3600_000 });
    return {
      status: 200,
      body: { token_type: jkt ? 'DPoP' : 'Bearer', expires_in: 3600, access_token: accessToken, scope: wanted.join(' ') },
    };
  }

  /** Who calls: an API token (all scopes), or an access token of ours, DPoP-bound ones with a valid proof. */
  async function authenticate(request: IncomingMessage, htu: string): Promise<{ scopes?: string[] } | { refused: true }> {
    const header = request.headers.authorization ?? '';
    if (header === `SSWS ${API_TOKEN}`) return {};
    const [scheme, value] = header.split(' ', 2);
    const token = value ? tokens.get(value) : undefined;
    if (!token || token.expiresAt < Date.now()) return { refused: true };
    if (token.jkt === undefined) return scheme === 'Bearer' ? { scopes: token.scopes } : { refused: true };
    if (scheme !== 'DPoP' || typeof request.headers.dpop !== 'string') return { refused: true };
    const proof = await verifyProof(request.headers.dpop, request.method ?? 'GET', htu);
    const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))));
    if (!proof || proof.jkt !== token.jkt || proof.payload.ath !== ath) return { refused: true };
    return { scopes: token.scopes };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    orgUrl,
    tokenUrl: `${orgUrl}/oauth2/v1/token`,
    hookCalls,
    addServiceApp: (app) => void apps.set(app.clientId, structuredClone(app)),
    fault: (fault) => {
      currentFaults = fault === undefined ? [] : Array.isArray(fault) ? fault : [fault as OktaFault];
    },
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

/**
 * Okta's execute, as its Inline Hooks Management API reference documents it: sends the body through the
 * hook's channel (its URI, its extra headers, its header secret) with a 3 s timeout and one retry after a
 * timeout or an error answer, and "returns a response if it matches the correct data contract", otherwise
 * 400 with what failed. Confirmed: that sentence and the 400. Not confirmed: that a 200 is passed back as
 * a 200 with the hook's body (assumed here); whether a 204 with no body matches the contract (either, by
 * `noContent`); whether a body that does not match is retried (not here).
 */
async function execute(
  hook: StoredHook,
  body: unknown,
  answer: (status: number, value?: unknown) => void,
  record: (status: number | 'timeout' | 'unreachable') => void,
  noContent: 'passed' | 'refused',
): Promise<void> {
  const { uri, authScheme, headers = [] } = hook.channel.config;
  let failure = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    let reply: Response;
    try {
      reply = await fetch(uri, {
        method: 'POST',
        headers: {
          ...Object.fromEntries((headers as Array<{ key: string; value: string }>).map(({ key, value }) => [key, value])),
          'content-type': 'application/json',
          accept: 'application/json',
          ...(authScheme ? { [authScheme.key]: authScheme.value } : {}),
        },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(3000),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      record(timedOut ? 'timeout' : 'unreachable');
      failure = timedOut ? 'The inline hook timed out' : 'The inline hook could not be reached';
      continue;
    }
    const text = await reply.text();
    record(reply.status);
    if (reply.status === 200) {
      const body = parseJson(text);
      if (matchesTokenHookContract(body)) return answer(200, body);
      failure = 'The inline hook response did not match the data contract';
      break;
    }
    if (reply.status === 204 && noContent === 'passed') return answer(204);
    if (reply.status === 204) {
      failure = 'The inline hook response did not match the data contract';
      break;
    }
    failure = `The inline hook responded with status ${reply.status}`;
  }
  answer(400, oktaError('E0000001', 'Api validation failed: Error while invoking inline hook', [failure]));
}

/** A token inline hook's answer: a JSON object with a `commands` list, an `error` object, or both absent. */
function matchesTokenHookContract(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { commands, error } = body as Record<string, unknown>;
  const commandsOk =
    commands === undefined ||
    (Array.isArray(commands) && commands.every((command) => typeof command?.type === 'string' && Array.isArray(command?.value)));
  const errorOk = error === undefined || (typeof error === 'object' && error !== null);
  return commandsOk && errorOk;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What an access token's scopes let it call: inline hooks with okta.inlineHooks.*, users with okta.users.*. */
function mayCall(scopes: readonly string[], method: string, path: string): boolean {
  const family = path.startsWith('/api/v1/inlineHooks') ? 'inlineHooks' : path.startsWith('/api/v1/users') ? 'users' : undefined;
  if (family === undefined) return false;
  return scopes.includes(`okta.${family}.manage`) || (method === 'GET' && scopes.includes(`okta.${family}.read`));
}

/** A DPoP proof (RFC 9449) for this method and URL, signed by the key in its header: its payload and the key's thumbprint. */
async function verifyProof(
  proof: string,
  method: string,
  htu: string,
): Promise<{ payload: Record<string, unknown>; jkt: string } | undefined> {
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: 300 });
    if (payload.htm !== method || payload.htu !== htu || typeof payload.jti !== 'string') return undefined;
    return { payload, jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256') };
  } catch {
    return undefined;
  }
}

function decodePayload(jwt: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
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
    profile: {
      firstName: 'Test',
      lastName: 'Patient',
      mobilePhone: null,
      secondEmail: null,
      login,
      email: login.includes('@') ? login : `${login}@example.com`,
    },
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
  if (typeof config?.uri !== 'string' || !(config.uri.startsWith('https://') || config.uri.startsWith('http://127.0.0.1:')))
    return 'channel.config.uri: The URI must be https';
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
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomUUID().slice(0, 20)}`,
    errorCauses: causes.map((cause) => ({ errorSummary: cause })),
  };
}

/** JSON for the Management API; the form fields (URLSearchParams) for the token endpoint. */
async function readBody(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  return text ? JSON.parse(text) : undefined;
}
