import { randomUUID } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { OktaAuthorizer } from './management-api.ts';

/**
 * How automation proves itself to Okta's Management API, as the Okta credential secret holds it:
 * `{"clientId": "0oa...", "privateKeyJwk": {...}}`, an API Services app with Public key / Private key
 * client authentication (private_key_jwt), the way Okta recommends; or `{"apiToken": "00..."}`, an SSWS
 * API token, the fallback Okta documents (tied to an admin, expires after 30 days unused).
 */
export type OktaServiceCredential =
  | { kind: 'privateKeyJwt'; clientId: string; privateKeyJwk: JWK }
  | { kind: 'apiToken'; apiToken: string };

export type OktaAuthKind = OktaServiceCredential['kind'];
export const OKTA_AUTH_KINDS: readonly OktaAuthKind[] = ['privateKeyJwt', 'apiToken'];

/** The one scope rotation needs: read and replace the inline hook, and execute it. */
export const INLINE_HOOKS_SCOPE = 'okta.inlineHooks.manage';

/** Okta's OAuth error answer (`{"error", "error_description"}`), with no secret in it: Okta never echoes one. */
export class OktaTokenError extends Error {
  override name = 'OktaTokenError';
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    description: string | undefined,
  ) {
    super(
      `Okta's org token endpoint answered ${status}: ${[error, description].filter(Boolean).join(': ') || 'no error details'}${hintFor(error)}`,
    );
  }
}

/**
 * The credential from the secret's value, checked for shape. Messages name the fields, never a value:
 * the secret holds a private key or a token.
 */
export function parseOktaServiceCredential(secretString: string | undefined, expected?: OktaAuthKind): OktaServiceCredential {
  if (secretString === undefined || secretString.trim() === '') throw new Error(NO_VALUE_YET);
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new Error('the Okta credential secret is not JSON');
  }
  const { clientId, privateKeyJwk, apiToken } = (value ?? {}) as Record<string, unknown>;
  const credential: OktaServiceCredential | undefined =
    typeof clientId === 'string' && clientId && isPrivateJwk(privateKeyJwk)
      ? { kind: 'privateKeyJwt', clientId, privateKeyJwk }
      : typeof apiToken === 'string' && apiToken
        ? { kind: 'apiToken', apiToken }
        : undefined;
  if (credential === undefined) {
    throw new Error(
      'the Okta credential secret must be {"clientId": "0oa...", "privateKeyJwk": {<private RSA or EC JWK>}} or {"apiToken": "00..."}',
    );
  }
  if (expected !== undefined && credential.kind !== expected) {
    throw new Error(
      `the Okta credential secret holds ${credential.kind === 'apiToken' ? 'an API token' : 'a service app key'}, but oktaAuth is ${expected}`,
    );
  }
  return credential;
}

const NO_VALUE_YET =
  'the Okta credential secret has no value yet: fill it (docs/operations.md, "Automatic rotation") before a rotation can update Okta';

/**
 * Why the Okta credential secret could not be read, naming the error, never a value. The stack creates the
 * secret empty, and Secrets Manager answers ResourceNotFoundException for a secret with no version yet.
 */
export function oktaCredentialReadError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'error';
  return new Error(name === 'ResourceNotFoundException' ? NO_VALUE_YET : `the Okta credential secret could not be read (${name})`);
}

export interface OktaAuthorizerOptions {
  /** e.g. https://dev-123456.okta.com: the org authorization server is `${orgUrl}/oauth2/v1/token`. */
  orgUrl: string;
  scopes?: readonly string[];
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The headers of each Management API request for this credential. An API token is sent as `SSWS`. A
 * service app gets an access token with the client-credentials grant at the ORG authorization server
 * (Okta grants `okta.*` scopes only there, only to private_key_jwt clients), kept until a minute before it
 * expires. When Okta asks for DPoP (`invalid_dpop_proof`: the app requires it; `use_dpop_nonce`: send
 * its nonce) the token request is made again with a DPoP proof from a key pair made for this process, and
 * every API request then carries a proof of its own bound to the token (`ath`).
 */
export function createOktaAuthorizer(credential: OktaServiceCredential, options: OktaAuthorizerOptions): OktaAuthorizer {
  if (credential.kind === 'apiToken') {
    const header = `SSWS ${credential.apiToken}`;
    return async () => ({ authorization: header });
  }
  const { clientId, privateKeyJwk } = credential;
  const { orgUrl, scopes = [INLINE_HOOKS_SCOPE], fetch: fetchImpl = fetch, timeoutMs = 10_000, now = () => Date.now() } = options;
  const tokenUrl = `${orgUrl.replace(/\/+$/, '')}/oauth2/v1/token`;
  let signingKey: Promise<{ key: CryptoKey | Uint8Array; alg: string }> | undefined;
  let proofKey: Promise<DpopKey> | undefined;
  let useDpop = false;
  let nonce: string | undefined;
  let token: { value: string; type: string; refreshAt: number } | undefined;
  let fetching: Promise<{ value: string; type: string; refreshAt: number }> | undefined;

  const clientKey = () => (signingKey ??= importSigningKey(privateKeyJwk));
  const dpopKey = () => (proofKey ??= createDpopKey());

  async function clientAssertion(): Promise<string> {
    const { key, alg } = await clientKey();
    const seconds = Math.floor(now() / 1000);
    // Okta: iss = sub = the client id, aud = the token endpoint, a fresh jti, exp at most an hour away.
    return new SignJWT({})
      .setProtectedHeader({ alg, ...(privateKeyJwk.kid ? { kid: privateKeyJwk.kid } : {}) })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + 300)
      .sign(key);
  }

  async function requestToken(): Promise<{ value: string; type: string; refreshAt: number }> {
    // At most: the plain request, again with a DPoP proof, again with Okta's nonce.
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
      if (useDpop) headers.dpop = await dpopProof(await dpopKey(), 'POST', tokenUrl, now(), { nonce });
      const response = await fetchImpl(tokenUrl, {
        method: 'POST',
        headers,
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: scopes.join(' '),
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await clientAssertion(),
        }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      const error = typeof answer.error === 'string' ? answer.error : undefined;
      const offeredNonce = response.headers.get('dpop-nonce') ?? undefined;
      if (!response.ok && (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') && attempt < 2) {
        useDpop = true;
        if (offeredNonce) nonce = offeredNonce;
        continue;
      }
      if (offeredNonce) nonce = offeredNonce;
      const accessToken = answer.access_token;
      if (!response.ok || typeof accessToken !== 'string') {
        throw new OktaTokenError(
          response.status,
          error,
          typeof answer.error_description === 'string' ? answer.error_description : undefined,
        );
      }
      const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
      return { value: accessToken, type: String(answer.token_type ?? 'Bearer'), refreshAt: now() + Math.max(0, expiresIn - 60) * 1000 };
    }
    throw new OktaTokenError(400, 'use_dpop_nonce', 'Okta asked for another DPoP nonce on every attempt');
  }

  async function accessToken() {
    if (token !== undefined && now() < token.refreshAt) return token;
    fetching ??= requestToken().finally(() => {
      fetching = undefined;
    });
    token = await fetching;
    return token;
  }

  return async (method, url): Promise<Record<string, string>> => {
    const { value, type } = await accessToken();
    if (type.toLowerCase() !== 'dpop') return { authorization: `Bearer ${value}` };
    return { authorization: `DPoP ${value}`, dpop: await dpopProof(await dpopKey(), method, url, now(), { accessToken: value }) };
  };
}

interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function createDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** RFC 9449 proof: `typ` dpop+jwt, the public key in the header, htm/htu of this request, `ath` with a token. */
async function dpopProof(
  key: DpopKey,
  method: string,
  url: string,
  at: number,
  { nonce, accessToken }: { nonce?: string; accessToken?: string },
): Promise<string> {
  const target = new URL(url);
  const htu = `${target.origin}${target.pathname}`;
  const ath =
    accessToken === undefined
      ? undefined
      : base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
  return new SignJWT({ htm: method, htu, ...(nonce ? { nonce } : {}), ...(ath ? { ath } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(at / 1000))
    .sign(key.privateKey);
}

async function importSigningKey(jwk: JWK): Promise<{ key: CryptoKey | Uint8Array; alg: string }> {
  const alg =
    jwk.alg ??
    (jwk.kty === 'EC' ? ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''] : 'RS256');
  if (!alg) throw new Error('the Okta credential secret: privateKeyJwk has a curve Okta does not take (P-256, P-384 or P-521)');
  try {
    return { key: await importJWK(jwk, alg), alg };
  } catch {
    // jose's message can quote parts of the key: say what is wrong in our words only.
    throw new Error(`the Okta credential secret: privateKeyJwk is not a private ${jwk.kty ?? ''} key for ${alg}`);
  }
}

function isPrivateJwk(value: unknown): value is JWK {
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as JWK;
  return (jwk.kty === 'RSA' || jwk.kty === 'EC') && typeof jwk.d === 'string';
}

const HINTS: Record<string, string> = {
  invalid_client:
    'check clientId, that the app uses Public key / Private key authentication, and that its public key matches privateKeyJwk (kid)',
  invalid_scope: `grant the app the ${INLINE_HOOKS_SCOPE} scope (Okta API Scopes tab) and an admin role that may manage inline hooks`,
  unauthorized_client: 'the app must be an API Services app with the Client Credentials grant',
  invalid_dpop_proof:
    'the app requires DPoP and refused the proof; or turn "Require Demonstrating Proof of Possession (DPoP) header in token requests" off on the app',
};

function hintFor(error: string | undefined): string {
  const hint = error === undefined ? undefined : HINTS[error];
  return hint ? `\n  hint: ${hint}` : '';
}
