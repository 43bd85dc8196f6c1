import type { HookRequest } from './hook-request.ts';

// Okta logins are at most 100 characters; anything far longer cannot be a key in the table.
const MAX_USER_KEY_LENGTH = 256;

/**
 * The patients-table key for the user the tokens are minted for: the Okta login, else the ID token's
 * preferred_username, else the access token's sub. Lower-cased, since Okta logins are case-insensitive.
 * The access token's sub names a user only when the token has a user id (`uid`): in a
 * client-credentials grant it is the client's id, which must never be looked up as a login.
 */
export function resolveUserKey(request: HookRequest): string | undefined {
  const { context, identity, access } = request.data;
  const accessSubject = access?.claims?.uid == null ? undefined : access.claims.sub;
  const candidates: Array<string | null | undefined> = [context?.user?.profile?.login, identity?.claims?.preferred_username, accessSubject];
  for (const candidate of candidates) {
    const key = candidate == null ? undefined : normalizeUserKey(candidate);
    if (key && key.length <= MAX_USER_KEY_LENGTH) return key;
  }
  return undefined;
}

/** The table's form of a login: Okta logins are case-insensitive, so keys are written and read lower-cased. */
export function normalizeUserKey(login: string): string {
  return login.trim().toLowerCase();
}
