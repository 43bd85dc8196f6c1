import type { HookRequest } from './hook-request.ts';

// Okta logins are at most 100 characters; anything far longer cannot be a key in the table.
const MAX_USER_KEY_LENGTH = 256;

/**
 * The patients-table key for the user the tokens are minted for: the Okta login, else the ID token's
 * preferred_username, else the access token's sub. Lower-cased, since Okta logins are case-insensitive.
 */
export function resolveUserKey(request: HookRequest): string | undefined {
  const { context, identity, access } = request.data;
  const candidates: Array<string | undefined> = [context?.user?.profile?.login, identity?.claims?.preferred_username, access?.claims?.sub];
  for (const candidate of candidates) {
    const key = candidate?.trim().toLowerCase();
    if (key && key.length <= MAX_USER_KEY_LENGTH) return key;
  }
  return undefined;
}
