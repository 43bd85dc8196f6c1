import { createHmac, randomBytes } from 'node:crypto';

/**
 * An opaque, stable id for a user key, so logs can correlate requests without holding the login. It is
 * an HMAC: without the key, nobody holding the logs and a list of logins can tell whose lines they are
 * (and so who is a patient). With no key configured, a random one per process still hides the login,
 * but lines then correlate only within one execution environment.
 */
export function createUserHasher(key: string | undefined): (userKey: string) => string {
  const secret = key ?? randomBytes(32);
  return (userKey) => createHmac('sha256', secret).update(userKey, 'utf8').digest('base64url').slice(0, 16);
}
