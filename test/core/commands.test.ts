import { describe, expect, it } from 'vitest';
import { buildCommands, escapeJsonPointer, type HookRequest, tokensToPatch } from '../../lambda/core/hook-request.ts';

const request = (data: HookRequest['data']): HookRequest => ({ eventType: 'com.okta.oauth2.tokens.transform', data });

describe('buildCommands', () => {
  it('adds the claim to the ID token as a string', () => {
    expect(buildCommands('extPatientId', { patientId: '1235' }, ['id'])).toStrictEqual([
      { type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1235' }] },
    ]);
  });

  it('adds one command a token, in the order given', () => {
    const commands = buildCommands('extPatientId', { patientId: '7' }, ['id', 'access']);
    expect(commands.map((command) => command.type)).toStrictEqual(['com.okta.identity.patch', 'com.okta.access.patch']);
  });

  it('adds nothing for no token', () => {
    expect(buildCommands('extPatientId', { patientId: '7' }, [])).toStrictEqual([]);
  });

  it('escapes ~ and / in claim names as JSON pointer requires', () => {
    expect(escapeJsonPointer('https://example.com/claims/patient~id')).toBe('https:~1~1example.com~1claims~1patient~0id');
  });
});

describe('tokensToPatch', () => {
  it('keeps only the configured tokens that are being minted', () => {
    expect(tokensToPatch(['id', 'access'], request({ access: {} }))).toStrictEqual(['access']);
    expect(tokensToPatch(['id'], request({ access: {} }))).toStrictEqual([]);
    expect(tokensToPatch(['id'], request({ identity: {}, access: {} }))).toStrictEqual(['id']);
  });
});
