import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OAuthSettings } from '../config.ts';
import type { CallerAuthenticator, CallerVerdict } from '../core/ports.ts';
import { DeadlineExceededError, untilDeadline } from '../request-deadline.ts';
import { BEARER_CHALLENGE } from './challenges.ts';

export interface BearerTimings {
  /** Bound on one key set fetch: Okta waits 3 s in all, and the patient lookup still has to run. */
  keySetTimeoutMs: number;
  /** An unknown `kid` refetches the key set at most this often, so bad tokens cannot drive fetches. */
  refetchCooldownMs: number;
  /** A key set older than this is fetched again before use (what Okta's own JWT verifier does). */
  keySetMaxAgeMs: number;
  /** Allowed clock difference with Okta for `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

export const DEFAULT_BEARER_TIMINGS: BearerTimings = {
  keySetTimeoutMs: 1000,
  refetchCooldownMs: 60_000,
  keySetMaxAgeMs: 60 * 60_000,
  clockToleranceSeconds: 30,
};

// Okta's access tokens are about 1 KB; a header far longer is not one.
const MAX_HEADER_LENGTH = 8192;
const BEARER_HEADER = /^bearer +(\S+) *$/i;

/**
 * The caller must present an access token from the configured authorization server: RS256 only, signed
 * by a key of `{issuer}/v1/keys` (fetched on first use, kept, refetched for an unknown key at most once
 * a cooldown), for the audience, in its lifetime, with the scope in `scp` and, when set, the client in `cid`.
 */
export function createBearerCallerAuthenticator(
  settings: OAuthSettings,
  timings: BearerTimings = DEFAULT_BEARER_TIMINGS,
): CallerAuthenticator {
  const keySet = createRemoteJWKSet(new URL(`${settings.issuer}/v1/keys`), {
    timeoutDuration: timings.keySetTimeoutMs,
    cooldownDuration: timings.refetchCooldownMs,
    cacheMaxAge: timings.keySetMaxAgeMs,
  });
  return {
    challenge: BEARER_CHALLENGE,
    async authenticate(header, deadline) {
      const token = bearerToken(header);
      if (token === undefined) return refused('NotABearerToken');
      let payload: JWTPayload;
      try {
        ({ payload } = await untilDeadline(
          jwtVerify(token, keySet, {
            issuer: settings.issuer,
            audience: settings.audience,
            algorithms: ['RS256'],
            clockTolerance: timings.clockToleranceSeconds,
            requiredClaims: ['exp'],
          }),
          deadline,
          'the key set fetch',
        ));
      } catch (error) {
        return verdictFor(error);
      }
      if (!grantsScope(payload.scp, settings.scope)) return refused('ScopeMissing');
      if (settings.clientId !== undefined && payload.cid !== settings.clientId) return refused('ClientMismatch');
      return { allowed: true };
    },
    async prepare() {},
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
  if (error instanceof errors.JWKSTimeout || error instanceof DeadlineExceededError) {
    return { allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetTimeout', error };
  }
  if (error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC') {
    return { allowed: false, reason: 'CredentialSourceUnavailable', detail: 'KeySetUnavailable', error };
  }
  return refused('TokenMalformed');
}
