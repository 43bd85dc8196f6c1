import { describe, expect, it } from 'vitest';
import { HookError, parseHookRequest } from '../../lambda/core/hook-request.ts';
import { loadFixture } from '../support/fixtures.ts';

const badRequest = (body: string | undefined) => {
  try {
    parseHookRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(HookError);
    return { status: (error as HookError).status, message: (error as HookError).message };
  }
  throw new Error('expected parseHookRequest to refuse the body');
};

describe('parseHookRequest', () => {
  it('keeps the whole of Okta published example, unknown fields included', () => {
    const example = loadFixture('okta-example');
    expect(parseHookRequest(JSON.stringify(example))).toStrictEqual(example);
  });

  it.each(['preview-without-identity', 'preview-edited-identity', 'refresh-grant', 'client-credentials'] as const)(
    'accepts the %s shape',
    (name) => {
      expect(parseHookRequest(JSON.stringify(loadFixture(name))).eventType).toBe('com.okta.oauth2.tokens.transform');
    },
  );

  it.each([
    [undefined, 'body is empty'],
    ['   ', 'body is empty'],
    ['{', 'body is not valid JSON'],
    ['[]', 'body must be a JSON object'],
    ['42', 'body must be a JSON object'],
    ['{}', 'eventType must be "com.okta.oauth2.tokens.transform"'],
    ['{"eventType":"com.okta.oauth2.tokens.transform"}', 'data is required'],
    ['{"eventType":"com.okta.oauth2.tokens.transform","eventId":7,"data":{}}', 'eventId must be a string'],
    ['{"eventType":"com.okta.oauth2.tokens.transform","eventTime":null,"data":{}}', 'eventTime must be a string'],
    ['{"eventType":"com.okta.oauth2.tokens.transform","data":[]}', 'data must be an object'],
    ['{"eventType":"com.okta.oauth2.tokens.transform","data":{"access":{"claims":{"sub":7}}}}', 'data.access.claims.sub must be a string'],
    ['{"eventType":"com.okta.oauth2.tokens.transform","data":{"identity":{"claims":"all"}}}', 'data.identity.claims must be an object'],
  ])('refuses %j with 400: %s', (body, message) => {
    expect(badRequest(body)).toStrictEqual({ status: 400, message });
  });

  it('refuses a body nested deeper than 32 levels, and accepts 32', () => {
    const nest = (levels: number) =>
      `{"eventType":"com.okta.oauth2.tokens.transform","data":${'{"x":'.repeat(levels - 1)}1${'}'.repeat(levels - 1)}}`;
    expect(parseHookRequest(nest(32)).eventType).toBe('com.okta.oauth2.tokens.transform');
    expect(badRequest(nest(33)).message).toBe('body is nested more than 32 levels deep');
    // Arrays are levels too, wherever they are in the body.
    const arrays = (levels: number) =>
      `{"eventType":"com.okta.oauth2.tokens.transform","data":{},"extra":[0,${'['.repeat(levels - 2)}1${']'.repeat(levels - 2)}]}`;
    expect(parseHookRequest(arrays(32)).eventType).toBe('com.okta.oauth2.tokens.transform');
    expect(badRequest(arrays(33)).message).toBe('body is nested more than 32 levels deep');
  });

  it('reads null as absent in the parts the hook reads', () => {
    const body =
      '{"eventType":"com.okta.oauth2.tokens.transform","data":{"context":{"user":null},"identity":{"claims":{"preferred_username":"kim@example.com"}},"access":null}}';
    const parsed = parseHookRequest(body);
    expect(parsed.data.context?.user).toBeNull();
    expect(parsed.data.access).toBeNull();
  });

  it('does not let a __proto__ key reach the prototype', () => {
    const parsed = parseHookRequest('{"eventType":"com.okta.oauth2.tokens.transform","data":{"__proto__":{"identity":{}}}}');
    expect(parsed.data.identity).toBeUndefined();
    expect(({} as Record<string, unknown>).identity).toBeUndefined();
  });
});
