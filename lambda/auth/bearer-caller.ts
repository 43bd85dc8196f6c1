import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OAuthSettings } from '../config.ts';
import { BEARER_CHALLENGE, type CallerAuthenticator, type CallerVerdict, type DeadlineSignal } from '../core/ports.ts';
import { DEADLINE_EXCEEDED } from '../request-deadline.ts';
import {
  createKeySetCache,
  DEFAULT_KEY_SET_TIMINGS,
  KeySetTimeoutError,
  KeySetUnavailableError,
  type KeySetTimings,
} from './key-set-cache.ts';

export interface BearerTimings extends KeySetTimings {
  /** Allowed clock difference with Okta for `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

export const DEFAULT_BEARER_TIMINGS: BearerTimings = { ...DEFAULT_KEY_SET_TIMINGS, clockToleranceSeconds: 30 };

// Okta's access tokens are about 1 KB; a header far longer is not one.
const MAX_HEADER_LENGTH = 8192;
const BEARER_HEADER = /^bearer +(\S+) *$/i;

/**
 * The caller must present an access token from the configured authorization server: RS256 only, signed
 * by a key of `{issuer}/v1/keys` (lambda/auth/key-set-cache.ts: kept, refreshed in the background, refetched
 * for an unknown key at most once a cooldown), for the audience, in its lifetime, with the scope in `scp`
 * and, when set, the client in `cid`. jose selects the key and checks the token; `now` is the key set's clock.
 */
export function createBearerCallerAuthenticator(
  settings: OAuthSettings,
  timings: BearerTimings = DEFAULT_BEARER_TIMINGS,
  now?: () => number,
): CallerAuthenticator {
  const keySets = createKeySetCache(
    new URL(`${settings.issuer}/v1/keys`),
    (json) => createLocalJWKSet(json as JSONWebKeySet),
    timings,
    now,
  );
  // Asked only for a token whose header passed jose's checks, so a malformed token never costs a fetch.
  const keyFor =
    (deadline: DeadlineSignal): JWTVerifyGetKey =>
    async (header, token) => {
      try {
        return await (await keySets.current(deadline))(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        const newer = await keySets.refetched(deadline);
        if (newer === undefined) throw error;
        return newer(header, token);
      }
    };
  return {
    challenge: BEARER_CHALLENGE,
    async authenticate(header, deadline) {
      const token = bearerToken(header);
      if (token === undefined) return refused('NotABearerToken');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor(deadline), {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: ['RS256'],
          clockTolerance: timings.clockToleranceSeconds,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        return verdictFor(error);
      }
      if (!grantsScope(payload.scp, settings.scope)) return refused('ScopeMissing');
      if (settings.clientId !== undefined && payload.cid !== settings.clientId) return refused('ClientMismatch');
      return { allowed: true };
    },
    async prepare() {},
    async checkReady(deadline) {
      await keySets.current(deadline);
    },
  };
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return undefined;
  return BEARER_HEADER.exec(header)?.[1];
}

// Okta writes `scp` as an array; a space-separated string (RFC 9068's `scope` style) is read too.
function grantsScope(scp: unknown, scope: string): boolean {
  const granted = typeof scp === 'string' ? scp.split(' ') : Array.isArray(scp) ? scp : [];
  return granted.includes(scope);
}

function refused(detail: string): CallerVerdict {
  return { allowed: false, reason: 'Unauthorized', detail };
}

const CLAIM_DETAIL: Record<string, string> = {
  nbf: 'TokenNotYetValid',
  iss: 'IssuerMismatch',
  aud: 'AudienceMismatch',
  exp: 'TokenWithoutExpiry',
};

/** The reason code of a failed verification. The key set being out of reach is ours, not the caller's. */
function verdictFor(error: unknown): CallerVerdict {
  if (error instanceof errors.JWTExpired) return refused('TokenExpired');
  if (error instanceof errors.JWTClaimValidationFailed) return refused(CLAIM_DETAIL[error.claim] ?? 'ClaimInvalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('AlgorithmNotAllowed');
  if (error instanceof errors.JWKSNoMatchingKey) return refused('KeyUnknown');
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('SignatureInvalid');
  // By code, not class: the request's deadline is made in the handler's bundle file, this check in its own.
  if (error instanceof KeySetTimeoutError || (error as { code?: unknown } | undefined)?.code === DEADLINE_EXCEEDED) {
    return { allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetTimeout', error };
  }
  if (error instanceof KeySetUnavailableError || !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC') {
    return { allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetUnavailable', error };
  }
  return refused('TokenMalformed');
}
