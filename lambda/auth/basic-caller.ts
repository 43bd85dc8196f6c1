import { decodeBasicHeader, matchBasicAuth } from '../core/basic-auth.ts';
import {
  type AcceptedCredential,
  BASIC_CHALLENGE,
  type CallerAuthenticator,
  type CallerVerdict,
  type CredentialSource,
} from '../core/ports.ts';

// A mismatch may need a rotation this instance has not seen and then the previous value beside it, after
// waiting for a read another request started: three things a source learns one at a time.
const MAX_RELOADS = 3;

/**
 * The caller must present one of the source's Basic credentials. On a mismatch the source may learn more
 * (a rotated secret, the previous value), so a new credential is accepted without waiting for a cold start,
 * and the request stops asking as soon as its credential is accepted. An accepted caller is told which
 * secret versions hold what it presented: a rotation check (core/hook-request.ts) needs the pending one.
 */
export function createBasicCallerAuthenticator(credentials: CredentialSource): CallerAuthenticator {
  return {
    challenge: BASIC_CHALLENGE,
    async authenticate(header, deadline) {
      // Without a well-formed Basic credential there is nothing to compare: no secret read for it, ever.
      if (decodeBasicHeader(header) === undefined) return { allowed: false, reason: 'Unauthorized', detail: 'NotABasicCredential' };
      let accepted: readonly AcceptedCredential[];
      try {
        accepted = await credentials.acceptedCredentials(deadline);
      } catch (error) {
        return { allowed: false, reason: 'CredentialSourceUnavailable', error };
      }
      let verdict = allowedWith(header, accepted);
      if (verdict) return verdict;
      for (let round = 0; round < MAX_RELOADS && credentials.reloadAfterMismatch; round++) {
        let reloaded: readonly AcceptedCredential[] | undefined;
        try {
          reloaded = await credentials.reloadAfterMismatch(deadline);
        } catch (error) {
          // What would tell this credential from a wrong one could not be had in time: not proof it is wrong.
          return { allowed: false, reason: 'CredentialSourceUnavailable', error };
        }
        if (reloaded === undefined) break;
        verdict = allowedWith(header, reloaded);
        if (verdict) return verdict;
      }
      return { allowed: false, reason: 'Unauthorized' };
    },
    async prepare() {
      await (credentials.prepare ? credentials.prepare() : credentials.acceptedCredentials(new AbortController().signal));
    },
    async checkReady(deadline) {
      await credentials.acceptedCredentials(deadline);
    },
  };
}

function allowedWith(header: string | undefined, accepted: readonly AcceptedCredential[]): CallerVerdict | undefined {
  const matched = matchBasicAuth(header, accepted);
  if (matched.length === 0) return undefined;
  const secretVersions = matched.flatMap((credential) => (credential.version ? [credential.version] : []));
  return secretVersions.length === 0 ? { allowed: true } : { allowed: true, secretVersions };
}
