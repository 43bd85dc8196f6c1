import { TOKEN_TRANSFORM_EVENT } from '../core/hook-request.ts';

export const DEFAULT_HOOK_NAME = 'Patient token hook';

/** How Okta authenticates its calls to the hook: the channel of the inline hook. */
export type HookChannel =
  | { type: 'HTTP'; headerName: string }
  | { type: 'OAUTH'; authType: 'client_secret_post'; clientId: string; tokenUrl: string; scope: string }
  | { type: 'OAUTH'; authType: 'private_key_jwt'; clientId: string; hookKeyId: string; tokenUrl: string; scope: string };

export interface TokenHookSpec {
  name: string;
  uri: string;
  channel: HookChannel;
}

/** An inline hook as Okta's API returns it (the parts read here). */
export interface InlineHook {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  name: string;
  type: string;
  version: string;
  channel: { type: string; version: string; config: Record<string, unknown> };
}

/**
 * The create/replace body Okta documents for a token inline hook. `secret` is the whole header value
 * (`Basic ...`) for HTTP, the client secret for client_secret_post, and unused for private_key_jwt.
 */
export function tokenHookBody(spec: TokenHookSpec, secret: string | undefined): Record<string, unknown> {
  const common = { uri: spec.uri, method: 'POST', headers: [] as unknown[] };
  const { channel } = spec;
  let config: Record<string, unknown>;
  if (channel.type === 'HTTP') {
    config = { ...common, authScheme: { type: 'HEADER', key: channel.headerName, value: required(secret, 'the Authorization value') } };
  } else if (channel.authType === 'client_secret_post') {
    const { authType, clientId, tokenUrl, scope } = channel;
    config = { ...common, authType, clientId, clientSecret: required(secret, 'the client secret'), tokenUrl, scope };
  } else {
    const { authType, clientId, hookKeyId, tokenUrl, scope } = channel;
    config = { ...common, authType, clientId, hookKeyId, tokenUrl, scope };
  }
  return { name: spec.name, type: TOKEN_TRANSFORM_EVENT, version: '1.0.0', channel: { type: channel.type, version: '1.0.0', config } };
}

/**
 * Whether the hook in Okta already matches the spec. Okta never returns the header value or the client
 * secret, so they cannot be compared: a changed secret needs an explicit update (--rotate-secret).
 */
export function hookMatches(existing: InlineHook, spec: TokenHookSpec): boolean {
  return JSON.stringify(comparable(existing)) === JSON.stringify(comparable(tokenHookBody(spec, 'not compared')));
}

/** The differences, as field names, for the operator to read. */
export function hookDifferences(existing: InlineHook, spec: TokenHookSpec): string[] {
  const before = comparable(existing);
  const after = comparable(tokenHookBody(spec, 'not compared'));
  return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

function comparable(hook: { name?: unknown; type?: unknown; version?: unknown; channel?: unknown }): Record<string, unknown> {
  const channel = (hook.channel ?? {}) as { type?: unknown; version?: unknown; config?: Record<string, unknown> };
  const config = channel.config ?? {};
  const scheme = config.authScheme as { type?: unknown; key?: unknown } | null | undefined;
  const headers = Array.isArray(config.headers) ? (config.headers as Array<{ key?: unknown; value?: unknown }>) : [];
  const present = (value: unknown) => (value === null || value === undefined ? undefined : value);
  return {
    name: hook.name,
    type: hook.type,
    version: hook.version,
    'channel.type': channel.type,
    'channel.version': channel.version,
    'channel.config.uri': config.uri,
    'channel.config.method': present(config.method) ?? 'POST',
    'channel.config.headers': headers.map(({ key, value }) => `${String(key).toLowerCase()}: ${String(value)}`).sort(),
    // Header names are case-insensitive: "authorization" in Okta is the same field as "Authorization".
    'channel.config.authScheme': scheme ? `${String(scheme.type)} ${String(scheme.key).toLowerCase()}` : undefined,
    'channel.config.authType': present(config.authType),
    'channel.config.clientId': present(config.clientId),
    'channel.config.hookKeyId': present(config.hookKeyId),
    'channel.config.tokenUrl': present(config.tokenUrl),
    'channel.config.scope': present(config.scope),
  };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new Error(`${what} is needed to create or update the hook`);
  return value;
}

/**
 * The replace (PUT) body of `hook` as Okta holds it, with a new header secret. Okta's PUT replaces the
 * whole hook and its GET never returns the secret, so everything else (name, URI, method, extra headers,
 * the header name) is sent back exactly as read. Only HTTP header authentication has a secret to set.
 */
export function withHeaderSecret(hook: InlineHook, value: string): Record<string, unknown> {
  const { channel } = hook;
  const scheme = channel.config.authScheme as { type?: unknown; key?: unknown } | null | undefined;
  if (channel.type !== 'HTTP' || scheme?.type !== 'HEADER' || typeof scheme.key !== 'string' || !scheme.key) {
    const how = channel.type === 'OAUTH' ? 'with OAuth 2.0' : 'without a header secret';
    throw new Error(
      `inline hook ${hook.id} authenticates ${how}: only a hook with HTTP header authentication ` +
        '(Authentication field and secret) can be given a rotated Basic credential',
    );
  }
  const config = { ...channel.config, authScheme: { type: 'HEADER', key: scheme.key, value } };
  return { name: hook.name, type: hook.type, version: hook.version, channel: { type: channel.type, version: channel.version, config } };
}
