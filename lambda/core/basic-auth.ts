import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredential {
  username: string;
  password: string;
}

const BASIC_HEADER = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** True when the Authorization header carries one of the accepted credentials. */
export function verifyBasicAuth(header: string | undefined, accepted: readonly BasicCredential[]): boolean {
  return matchBasicAuth(header, accepted).length > 0;
}

/**
 * The accepted credentials the Authorization header carries (more than one only when two hold the same
 * value). Username and password are both compared, as fixed-length digests, against every accepted
 * credential, so the time taken says nothing about which part was wrong, or which one matched.
 */
export function matchBasicAuth<Credential extends BasicCredential>(
  header: string | undefined,
  accepted: readonly Credential[],
): Credential[] {
  const presented = decodeBasicHeader(header);
  if (!presented) return [];
  const username = digest(presented.username);
  const password = digest(presented.password);
  const matched: Credential[] = [];
  for (const credential of accepted) {
    const expected = digestsOf(credential);
    const usernameMatches = timingSafeEqual(username, expected.username);
    const passwordMatches = timingSafeEqual(password, expected.password);
    if (usernameMatches && passwordMatches) matched.push(credential);
  }
  return matched;
}

// An accepted credential is held across requests until a rotation replaces it: its digests are made
// once, not on every request. Keyed by the object, so a replaced credential takes its digests with it.
const acceptedDigests = new WeakMap<BasicCredential, { username: Buffer; password: Buffer }>();

function digestsOf(credential: BasicCredential): { username: Buffer; password: Buffer } {
  let digests = acceptedDigests.get(credential);
  if (digests === undefined) {
    digests = { username: digest(credential.username), password: digest(credential.password) };
    acceptedDigests.set(credential, digests);
  }
  return digests;
}

export function decodeBasicHeader(header: string | undefined): BasicCredential | undefined {
  if (header === undefined || header.length > 4096) return undefined;
  const token = BASIC_HEADER.exec(header)?.[1];
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicHeaderValue({ username, password }: BasicCredential): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
