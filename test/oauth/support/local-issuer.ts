import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportSPKI, type JWK, type JWTPayload, SignJWT } from 'jose';
import { testRsaKeyPair } from '../../support/test-rsa-keys.ts';

export const HOOK_AUDIENCE = 'api://patient-token-hook';
export const HOOK_SCOPE = 'patient.hook';
export const HOOK_CLIENT_ID = '0oahookclient1234';

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export interface SigningKey {
  kid: string;
  pair: KeyPair;
  publicJwk: JWK;
}

export interface SignOptions {
  /** Sign with this key instead of the first published one. */
  key?: SigningKey;
  /** Claims to drop from the defaults. */
  omit?: Array<keyof JWTPayload | string>;
}

/**
 * A stand-in for an Okta custom authorization server on 127.0.0.1: its issuer URL, a JWKS at
 * `{issuer}/v1/keys` built with jose, and access tokens shaped like Okta's for the hook's client.
 */
export interface LocalIssuer {
  issuer: string;
  /** How many times the key set was fetched. */
  keySetFetches(): number;
  /** Published keys, first one signs by default. */
  keys: SigningKey[];
  /** A key the issuer does not publish. */
  newKey(): Promise<SigningKey>;
  /** Publishes a key (a rotation: Okta publishes the next key alongside the current one). */
  publish(key: SigningKey): void;
  /** Holds every key set answer this long (to test the fetch timeout). */
  delayKeySet(ms: number): void;
  /** Answers the key set with this status instead of 200. */
  failKeySet(status: number | undefined): void;
  /** Answers the key set with 200 and this body instead of the published keys. */
  garbleKeySet(body: string | undefined): void;
  /** An access token as Okta mints it for the hook's OAuth channel, with claims overridden. */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>;
  /** The public key in PEM, for the "HS256 with the public key as secret" attack. */
  publicKeyPem(): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  let fetches = 0;
  let delayMs = 0;
  let failStatus: number | undefined;
  let garbledBody: string | undefined;
  const keys: SigningKey[] = [await newSigningKey([])];
  const published = new Set<string>([keys[0]!.kid]);
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/oauth2/hooks/v1/keys') {
      response.writeHead(404).end();
      return;
    }
    fetches++;
    const answer = () => {
      if (failStatus !== undefined) {
        response.writeHead(failStatus, { 'content-type': 'application/json' }).end('{"errorCode":"E0000009"}');
        return;
      }
      const jwks = { keys: keys.filter((key) => published.has(key.kid)).map((key) => key.publicJwk) };
      response.writeHead(200, { 'content-type': 'application/json' }).end(garbledBody ?? JSON.stringify(jwks));
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/hooks`;

  return {
    issuer,
    keys,
    keySetFetches: () => fetches,
    newKey: () => newSigningKey(keys),
    publish(key) {
      if (!keys.includes(key)) keys.push(key);
      published.add(key.kid);
    },
    delayKeySet(ms) {
      delayMs = ms;
    },
    failKeySet(status) {
      failStatus = status;
    },
    garbleKeySet(body) {
      garbledBody = body;
    },
    async sign(claims = {}, { key = keys[0]!, omit = [] } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        ver: 1,
        jti: `AT.${randomUUID()}`,
        iss: issuer,
        aud: HOOK_AUDIENCE,
        iat: now,
        exp: now + 300,
        cid: HOOK_CLIENT_ID,
        scp: [HOOK_SCOPE],
        sub: HOOK_CLIENT_ID,
        ...claims,
      };
      for (const name of omit) delete payload[name];
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.pair.privateKey);
    },
    publicKeyPem: () => exportSPKI(keys[0]!.pair.publicKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A key with a new kid, on RSA material none of `held` uses. */
async function newSigningKey(held: readonly SigningKey[]): Promise<SigningKey> {
  const { privateKey, publicKey, publicJwk } = await testRsaKeyPair(held.map((key) => key.publicJwk));
  const kid = randomUUID();
  return { kid, pair: { privateKey, publicKey }, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
}

/** A JWT with `alg: none` and no signature: what an attacker sends hoping the verifier skips the check. */
export function unsignedToken(payload: JWTPayload, kid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', kid })}.${encode(payload)}.`;
}
