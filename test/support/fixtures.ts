import { readFileSync } from 'node:fs';
import { withUser } from '../../tools/okta/request-shapes.ts';

export type FixtureName =
  | 'okta-example'
  | 'okta-example-patient'
  | 'preview-without-identity'
  | 'preview-edited-identity'
  | 'refresh-grant'
  | 'client-credentials';

// Each file read once: the load tests build thousands of requests from them.
const texts = new Map<FixtureName, string>();

/** A fresh copy of an Okta request from examples/, safe to mutate. */
export function loadFixture(name: FixtureName): Record<string, any> {
  let text = texts.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8');
    texts.set(name, text);
  }
  return JSON.parse(text);
}

/** The published example, sent for another user (login, preferred_username and sub all changed). */
export function exampleFor(login: string): Record<string, any> {
  return withUser(loadFixture('okta-example'), login);
}
