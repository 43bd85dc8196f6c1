import { decodeBasicHeader, verifyBasicAuth } from '../core/basic-auth.ts';
import type { CallerAuthenticator, CredentialSource } from '../core/ports.ts';
import { BASIC_CHALLENGE } from './challenges.ts';

// A mismatch may need a rotation this instance has not seen and then the previous value beside it, after
// waiting for a read another request started: three things a source learns one at a time.
const MAX_RELOADS = 3;

/**
 * The caller must present one of the source's Basic credentials. On a mismatch the source may learn more
 * (a rotated secret, the previous value), so a new credential is accepted without waiting for a cold start,
 * and the request stops asking as soon as its credential is accepted.
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
      for (let round = 0; round < MAX_RELOADS && credentials.reloadAfterMismatch; round++) {
        let reloaded;
        try {
          reloaded = await credentials.reloadAfterMismatch(deadline);
        } catch (error) {
          // What would tell this credential from a wrong one could not be had in time: not proof it is wrong.
          return { allowed: false, reason: 'CredentialSourceUnavailable', error };
        }
        if (reloaded === undefined) break;
        if (verifyBasicAuth(header, reloaded)) return { allowed: true };
      }
      return { allowed: false, reason: 'Unauthorized' };
    },
    async prepare() {
      await (credentials.prepare ? credentials.prepare() : credentials.acceptedCredentials(new AbortController().signal));
    },
  };
}
