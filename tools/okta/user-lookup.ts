import { canonicalUserKey } from '../../lambda/core/patient-record.ts';
import { type OktaApi, OktaApiError } from '../../lambda/okta/management-api.ts';

/**
 * What Okta says about a login:
 * - `Found`: the user whose profile.login is this login (under canonicalUserKey), and its id.
 * - `NoSuchLogin`: Okta answered 404.
 * - `OtherUsersLogin`: Okta answered with a user whose login is another: GET /api/v1/users/{login}
 *   also matches a login shortname (and maybe a case-folded look-alike), which must never bind someone
 *   else's patient id.
 * - `NotLookedUp`: the login has a `/`, which Okta's Users API can only be asked about by id.
 */
export type LoginResolution = { outcome: 'Found'; oktaUserId: string } | { outcome: 'NoSuchLogin' | 'OtherUsersLogin' | 'NotLookedUp' };

// Okta's documented per-minute limit for GET /api/v1/users/{idOrLogin} is 100 on a free developer org
// and up to 2,000 on Workforce; Okta also caps concurrent requests per org (75) for all API traffic, the
// org's own admins' included. A few at a time stays well inside both.
export const DEFAULT_LOOKUP_CONCURRENCY = 4;
export const MAX_LOOKUP_CONCURRENCY = 16;

/** The request as messages name it: the path holds a login, which is personal data. */
const USER_LOOKUP = 'GET /api/v1/users/{login}';

/** Looks one login up in Okta (GET /api/v1/users/{login}, URL-encoded) and checks who came back. */
export async function findOktaUserByLogin(api: OktaApi, login: string): Promise<LoginResolution> {
  const wanted = canonicalUserKey(login, 'login');
  if (wanted === undefined) throw new Error('findOktaUserByLogin needs a valid login');
  // Okta: "Logins with a / character can only be fetched by id due to URL issues with escaping the / character."
  if (login.includes('/')) return { outcome: 'NotLookedUp' };
  let user: unknown;
  try {
    user = await api.get(`/api/v1/users/${encodeURIComponent(login)}`, { describeAs: USER_LOOKUP });
  } catch (error) {
    if (error instanceof OktaApiError && error.status === 404) return { outcome: 'NoSuchLogin' };
    throw error;
  }
  const { id, profile } = (user ?? {}) as { id?: unknown; profile?: { login?: unknown } };
  if (typeof id !== 'string' || canonicalUserKey(id, 'oktaId') === undefined || typeof profile?.login !== 'string') {
    throw new Error(`Okta's answer to ${USER_LOOKUP} has no user id or profile.login`);
  }
  return canonicalUserKey(profile.login, 'login') === wanted ? { outcome: 'Found', oktaUserId: id } : { outcome: 'OtherUsersLogin' };
}

export interface ResolveLoginsOptions {
  concurrency?: number;
  /** Called after each login is answered. */
  onResolved?: () => void;
}

/** Looks up each login, a few at a time; the first error that is not a 404 stops the rest and is thrown. */
export async function resolveLogins(
  api: OktaApi,
  logins: Iterable<string>,
  { concurrency = DEFAULT_LOOKUP_CONCURRENCY, onResolved }: ResolveLoginsOptions = {},
): Promise<Map<string, LoginResolution>> {
  const pending = [...new Set(logins)];
  const resolutions = new Map<string, LoginResolution>();
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < pending.length) {
      const login = pending[next++] as string;
      try {
        resolutions.set(login, await findOktaUserByLogin(api, login));
      } catch (error) {
        failed = true;
        throw error;
      }
      onResolved?.();
    }
  }
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, pending.length)) }, () => worker()));
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection) throw rejection.reason;
  return resolutions;
}
