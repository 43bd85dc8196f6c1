import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lambda/config.ts';
import { configError } from './support/config-error.ts';

const minimal = { PATIENTS_TABLE: 'patients', HOOK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:hook' };

describe('loadConfig', () => {
  it('fills in the defaults', () => {
    expect(loadConfig(minimal)).toStrictEqual({
      hookPath: '/tokenHook',
      tableName: 'patients',
      userKey: 'login',
      patientIdPattern: /^(?:[A-Za-z0-9._-]{1,64})$/u,
      claimName: 'extPatientId',
      claimTokens: ['id'],
      failureMode: 'open',
      failureMessage: 'Sign-in is temporarily unavailable. Please try again in a few minutes.',
      storeTimeoutMs: 500,
      logLevel: 'info',
      metricsNamespace: 'OktaTokenHook',
      rotationGraceHours: 24,
      credential: { secretId: minimal.HOOK_SECRET_ID },
    });
  });

  it('takes a variable set to the empty string as unset, as `VAR=` in a shell or an emptied field in the console', () => {
    const emptied = [
      'HOOK_PATH',
      'USER_KEY',
      'CLAIM_NAME',
      'CLAIM_TOKENS',
      'FAILURE_MODE',
      'STORE_TIMEOUT_MS',
      'LOG_LEVEL',
      'METRICS_NAMESPACE',
      'HOOK_USERNAME',
    ];
    const config = loadConfig({ ...minimal, ...Object.fromEntries(emptied.map((name) => [name, ''])), AWS_LAMBDA_LOG_LEVEL: '' });
    expect(config).toStrictEqual(loadConfig(minimal));
    expect(() => loadConfig({ ...minimal, PATIENTS_TABLE: '' })).toThrow('PATIENTS_TABLE is required');
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PATIENTS_TABLE: 't',
      HOOK_USERNAME: 'okta',
      HOOK_PASSWORD: 'pw',
      CLAIM_NAME: 'patient_id',
      CLAIM_TOKENS: 'both',
      FAILURE_MODE: 'closed',
      STORE_TIMEOUT_MS: '300',
      AWS_LAMBDA_LOG_LEVEL: 'WARN',
    });
    expect(config).toMatchObject({
      claimName: 'patient_id',
      claimTokens: ['id', 'access'],
      failureMode: 'closed',
      storeTimeoutMs: 300,
      logLevel: 'warn',
      credential: { static: { username: 'okta', password: 'pw' } },
    });
  });

  it.each([
    ['DEBUG', 'debug'],
    ['Info', 'info'],
    ['warn', 'warn'],
    ['TRACE', 'debug'],
    ['FATAL', 'error'],
    ['SILENT', 'silent'],
  ])('reads LOG_LEVEL=%s in any case, as Lambda and Powertools users write it', (LOG_LEVEL, logLevel) => {
    expect(loadConfig({ ...minimal, LOG_LEVEL }).logLevel).toBe(logLevel);
  });

  it.each(['AWS/Lambda', 'Okta"Hook', 'x'.repeat(256)])(
    'refuses METRICS_NAMESPACE=%s, which CloudWatch would not take',
    (METRICS_NAMESPACE) => {
      expect(() => loadConfig({ ...minimal, METRICS_NAMESPACE })).toThrow(
        'METRICS_NAMESPACE must be a CloudWatch namespace: up to 255 letters, digits, spaces and . - _ / # :, not starting with AWS/',
      );
      expect(loadConfig({ ...minimal, METRICS_NAMESPACE: 'OktaTokenHook/prod-2' }).metricsNamespace).toBe('OktaTokenHook/prod-2');
    },
  );

  it.each([
    [{ HOOK_SECRET_ID: 's' }, 'PATIENTS_TABLE is required'],
    [{ ...minimal, CLAIM_TOKENS: 'refresh' }, 'CLAIM_TOKENS must be one of id, access, both'],
    [{ ...minimal, FAILURE_MODE: 'maybe' }, 'FAILURE_MODE must be open or closed'],
    [{ ...minimal, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of debug, info, warn, error, silent'],
    [{ ...minimal, STORE_TIMEOUT_MS: '900' }, 'STORE_TIMEOUT_MS must be at most 800'],
    [{ ...minimal, STORE_TIMEOUT_MS: 'soon' }, 'STORE_TIMEOUT_MS must be a whole number'],
    [{ ...minimal, CLAIM_NAME: 'patient id' }, 'CLAIM_NAME must start with a letter or _ and use only letters, digits and _ . : / ~ -'],
    [{ ...minimal, CLAIM_NAME: 'sub' }, 'CLAIM_NAME "sub" is reserved by Okta in the id token'],
    [{ ...minimal, CLAIM_NAME: 'uid', CLAIM_TOKENS: 'access' }, 'CLAIM_NAME "uid" is reserved by Okta in the access token'],
    [{ PATIENTS_TABLE: 'p' }, 'HOOK_SECRET_ID is required (or HOOK_USERNAME and HOOK_PASSWORD, for local runs)'],
    [{ PATIENTS_TABLE: 'p', HOOK_USERNAME: 'a:b', HOOK_PASSWORD: 'x' }, 'HOOK_USERNAME must not contain ":"'],
    [{ ...minimal, PATIENTS_TABLE: '  ' }, 'PATIENTS_TABLE is required'],
    [{ ...minimal, HOOK_PATH: '  ' }, 'HOOK_PATH must not be blank'],
    [{ ...minimal, HOOK_PATH: '/health' }, "HOOK_PATH must not be /health, the health check's path"],
    [{ ...minimal, MAX_EVENT_AGE_SECONDS: '1.5' }, 'MAX_EVENT_AGE_SECONDS must be a whole number'],
    [{ ...minimal, ROTATION_GRACE_HOURS: 'Infinity' }, 'ROTATION_GRACE_HOURS must be a number of hours'],
  ])('refuses %j at start-up: %s', (env, message) => {
    expect(configError(env)).toBe(message);
  });

  it('allows a claim that is reserved only in the other token', () => {
    expect(loadConfig({ ...minimal, CLAIM_NAME: 'username', CLAIM_TOKENS: 'id' }).claimName).toBe('username');
  });

  it('reads where the user-hash key is kept, or its value for local runs, but not both', () => {
    const secretId = 'arn:aws:secretsmanager:eu-west-1:1:secret:hash-key';
    expect(loadConfig({ ...minimal, USER_HASH_KEY_SECRET_ID: secretId }).userHashKeySecretId).toBe(secretId);
    expect(loadConfig({ ...minimal, USER_HASH_KEY: 'k'.repeat(32) })).not.toHaveProperty('userHashKeySecretId');
    const message = configError({ ...minimal, USER_HASH_KEY: 'k'.repeat(32), USER_HASH_KEY_SECRET_ID: secretId });
    expect(message).toBe('USER_HASH_KEY and USER_HASH_KEY_SECRET_ID are both set: set one (the secret in AWS, the value for local runs)');
    expect(message).not.toContain('kkkk');
  });

  it('never echoes the password it refuses', () => {
    const message = configError({ PATIENTS_TABLE: 'p', HOOK_USERNAME: 'a:b', HOOK_PASSWORD: 'hunter2-secret' });
    expect(message).not.toContain('hunter2');
  });
});
