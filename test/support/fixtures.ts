import { readFileSync } from 'node:fs';

export type FixtureName =
  | 'okta-example'
  | 'okta-example-patient'
  | 'preview-without-identity'
  | 'preview-edited-identity'
  | 'refresh-grant'
  | 'client-credentials';

/** A fresh copy of an Okta request fixture from test/fixtures, safe to mutate. */
export function loadFixture(name: FixtureName): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
}

/** The published example, sent for another user (login, preferred_username and sub all changed). */
export function exampleFor(login: string): Record<string, any> {
  const request = loadFixture('okta-example');
  request.data.context.user.profile.login = login;
  request.data.context.session.login = login;
  request.data.identity.claims.preferred_username = login;
  request.data.identity.claims.email = login;
  request.data.access.claims.sub = login;
  request.data.access.claims.preferred_username = login;
  return request;
}
