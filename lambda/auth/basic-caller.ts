import { decodeBasicHeader, verifyBasicAuth } from '../core/basic-auth.ts';
import type { CallerAuthenticator, CredentialSource } from '../core/ports.ts';
import { BASIC_CHALLENGE } from './challenges.ts';

/**
 * The caller must present one of the source's Basic credentials. On a mismatch the source may re-read
 * once (a rotated secret), so a new credential is accepted without waiting for a cold start.
 */
export function createBasicCallerAuthenticator(credentials: CredentialSource): CallerAuthenticator {
  return {
    challenge: BASIC_CHALLENGE,
    async authenticate(header, deadline) {
      // Without a well-formed Basic credential there is nothing to compare: no secret read for it, ever.
      if (decodeBasicHeader(header) === undefined) return { allowed: false, reason: 'Unauthorized', detail: 'NotABasicCredential' };
      let accepted;
      try {
        accepted = await credentials.acceptedCredentials(deadline);
      } catch (error) {
        return { allowed: false, reason: 'CredentialSourceUnavailable', error };
      }
      if (verifyBasicAuth(header, accepted)) return { allowed: true };
      const reloaded = await credentials.reloadAfterMismatch?.(deadline).catch(() => undefined);
      if (reloaded && verifyBasicAuth(header, reloaded)) return { allowed: true };
      return { allowed: false, reason: 'Unauthorized' };
    },
    async prepare() {
      await credentials.acceptedCredentials(new AbortController().signal);
    },
  };
}
