import type { HookRequest } from './hook-request.ts';

export type TokenKind = 'id' | 'access';

export const PATCH_COMMAND_TYPE: Readonly<Record<TokenKind, string>> = {
  id: 'com.okta.identity.patch',
  access: 'com.okta.access.patch',
};

/** The configured tokens that this request is actually minting: Okta drops the whole patch otherwise. */
export function tokensToPatch(configured: readonly TokenKind[], request: HookRequest): TokenKind[] {
  return configured.filter((token) => (token === 'id' ? request.data.identity != null : request.data.access != null));
}
