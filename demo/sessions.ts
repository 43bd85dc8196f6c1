import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Server-side state keyed by a random id in an HttpOnly cookie: the browser holds 256 random bits,
 * never a token or a claim. In memory, so a restart signs everyone out, which suits a demo.
 */
export class CookieStore<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    readonly cookieName: string,
    private readonly ttlMs: number,
    private readonly limit = 1000,
  ) {}

  /** Keeps the value and returns the Set-Cookie header that points to it. */
  put(value: T): string {
    const id = randomBytes(32).toString('base64url');
    this.#entries.set(id, { value, expiresAt: Date.now() + this.ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.limit) break;
      this.#entries.delete(oldest);
    }
    return `${this.cookieName}=${id}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${Math.floor(this.ttlMs / 1000)}`;
  }

  get(request: IncomingMessage): T | undefined {
    const id = readCookie(request, this.cookieName);
    const entry = id === undefined ? undefined : this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.#entries.delete(id as string);
    return undefined;
  }

  /** Forgets the request's entry and returns the Set-Cookie header that clears the cookie. */
  remove(request: IncomingMessage): string {
    const id = readCookie(request, this.cookieName);
    if (id !== undefined) this.#entries.delete(id);
    return `${this.cookieName}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`;
  }
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(/;\s*/)) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals) === name) return part.slice(equals + 1);
  }
  return undefined;
}
