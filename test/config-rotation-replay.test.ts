import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../lambda/config.ts';

const minimal = { PATIENTS_TABLE: 'patients', HOOK_SECRET_ID: 'hook' };

describe('loadConfig: rotation grace and replay window', () => {
  it('accepts AWSPREVIOUS for 24 hours and has no replay window by default', () => {
    const config = loadConfig(minimal);
    expect(config.rotationGraceHours).toBe(24);
    expect(config.maxEventAgeSeconds).toBeUndefined();
  });

  it('reads ROTATION_GRACE_HOURS (fractions allowed) and MAX_EVENT_AGE_SECONDS', () => {
    const config = loadConfig({ ...minimal, ROTATION_GRACE_HOURS: '0.5', MAX_EVENT_AGE_SECONDS: '300' });
    expect(config).toMatchObject({ rotationGraceHours: 0.5, maxEventAgeSeconds: 300 });
    expect(loadConfig({ ...minimal, ROTATION_GRACE_HOURS: '0' }).rotationGraceHours).toBe(0);
  });

  it.each([
    [{ ROTATION_GRACE_HOURS: '-1' }, 'ROTATION_GRACE_HOURS must be at least 0'],
    [{ ROTATION_GRACE_HOURS: '1000' }, 'ROTATION_GRACE_HOURS must be at most 720'],
    [{ ROTATION_GRACE_HOURS: 'a day' }, 'ROTATION_GRACE_HOURS must be a number of hours'],
    [{ MAX_EVENT_AGE_SECONDS: '0' }, 'MAX_EVENT_AGE_SECONDS must be at least 1'],
    [{ MAX_EVENT_AGE_SECONDS: '2.5' }, 'MAX_EVENT_AGE_SECONDS must be a whole number'],
    [{ MAX_EVENT_AGE_SECONDS: '5m' }, 'MAX_EVENT_AGE_SECONDS must be a whole number'],
    [{ MAX_EVENT_AGE_SECONDS: '100000' }, 'MAX_EVENT_AGE_SECONDS must be at most 86400'],
  ])('names the variable when %o is wrong', (env, message) => {
    expect(() => loadConfig({ ...minimal, ...env })).toThrow(new ConfigError(message));
  });
});
