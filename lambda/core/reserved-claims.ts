import type { TokenKind } from './hook-request.ts';

// Okta refuses any command on these claims and drops the whole patch (token inline hook reference).
const RESERVED_IN_BOTH = ['acr', 'auth_time', 'cid', 'exp', 'groups', 'iat', 'iss', 'jti', 'sid', 'token_type', 'ver'];
const RESERVED_IN_ID_TOKEN = [
  'active',
  'aid',
  'amr',
  'app_id',
  'app_type',
  'at_hash',
  'aud',
  'c_hash',
  'client_id',
  'client_ip',
  'client_req_id',
  'client_type',
  'client_user_agent',
  'device_compliance',
  'device_id',
  'device_known',
  'device_managed',
  'device_name',
  'device_trust',
  'did',
  'dst',
  'group',
  'hotk',
  'idp',
  'idp_iss',
  'mac_key',
  'may_act',
  'nonce',
  'oid',
  'okta_emailVerified',
  'okta_lastUpdated',
  'orig',
  'permissions',
  'purpose',
  'pwd_exp_days',
  'pwd_exp_time',
  'rid',
  'role',
  'scope',
  'scopes',
  'sub',
  'term',
  'user_ip',
  'cnf',
];
const RESERVED_IN_ACCESS_TOKEN = ['as_uri', 'authorization_details', 'rpt', 'rsi', 'scp', 'uid', 'username', 'cnf'];

export const RESERVED_CLAIMS: Readonly<Record<TokenKind, ReadonlySet<string>>> = {
  id: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ID_TOKEN]),
  access: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ACCESS_TOKEN]),
};

export function isReservedClaim(name: string, token: TokenKind): boolean {
  return RESERVED_CLAIMS[token].has(name);
}
