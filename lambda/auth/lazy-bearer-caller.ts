import type { OAuthSettings } from '../config.ts';
import { BEARER_CHALLENGE, type CallerAuthenticator } from '../core/ports.ts';
import type { BearerTimings } from './bearer-caller.ts';

/**
 * The bearer check behind a dynamic import: jose is loaded at init (prepare) or on first use, and only
 * in OAuth mode, so a function in Basic mode never evaluates it. A failed load is retried next time.
 */
export function createLazyBearerCallerAuthenticator(settings: OAuthSettings, timings?: BearerTimings): CallerAuthenticator {
  let loading: Promise<CallerAuthenticator> | undefined;
  const load = (): Promise<CallerAuthenticator> =>
    (loading ??= import('./bearer-caller.ts')
      .then(({ createBearerCallerAuthenticator }) => createBearerCallerAuthenticator(settings, timings))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
  return {
    challenge: BEARER_CHALLENGE,
    async authenticate(header, deadline) {
      let verifier: CallerAuthenticator;
      try {
        verifier = await load();
      } catch (error) {
        return { allowed: false, reason: 'CredentialSourceUnavailable', detail: 'VerifierNotLoaded', error };
      }
      return verifier.authenticate(header, deadline);
    },
    async prepare() {
      await load();
    },
    async checkReady(deadline) {
      await (await load()).checkReady?.(deadline);
    },
  };
}
