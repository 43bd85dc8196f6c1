import { createHash } from 'node:crypto';

/** An opaque, stable id for a user key, so logs can correlate requests without holding the login. */
export function hashUserKey(userKey: string): string {
  return createHash('sha256').update(`okta-token-hook:${userKey}`).digest('base64url').slice(0, 16);
}
