import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SettingsError, settingsFromContext, type TokenHookSettings } from '../../infra/settings.ts';
import { OAUTH, OKTA, tokenHookApp } from './synth.ts';
import { CURRENT_SINCE_TAG } from '../../lambda/aws/secrets-manager-credentials.ts';
import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { rotateBasicCredential, type RotationEvent } from '../../lambda/rotation/rotate-basic-credential.ts';
import { runSecretCommand } from '../../tools/okta/secret-command.ts';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { capturedIo } from '../tools/support/captured-io.ts';

// The rotation steps and `npm run okta:secret` against a real HTTP server speaking Secrets Manager's
// JSON protocol, through the real SDK client: no mocks of the SDK.
const OLD = { username: 'okta-hook', password: 'Old0Password0Of0Sixty0Four0Characters0Xxxxxxxxxxxxxxxxxxxxxxxxxxx' };
let sm: FakeSecretsManager;
let client: SecretsManagerClient;
let logged: string[];

/** `npm run okta:secret` in-process: what it printed, or its error. */
async function oktaSecret(argv: string[], env: Record<string, string>): Promise<string> {
  const io = capturedIo({ env });
  if ((await runSecretCommand(argv, io)) !== 0) throw new Error(io.err());
  return io.out().trimEnd();
}

beforeAll(async () => {
  sm = await startFakeSecretsManager(JSON.stringify(OLD));
  client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});
beforeEach(() => {
  logged = [];
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const step = (Step: string, ClientRequestToken: string): RotationEvent => ({ Step, SecretId: sm.arn, ClientRequestToken });
const stageHolder = (stage: string) => [...sm.versions].find(([, version]) => version.stages.includes(stage));
const valueAt = (stage: string) => JSON.parse(stageHolder(stage)?.[1].secretString ?? 'null') as { username: string; password: string };

async function rotate(token: string): Promise<void> {
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await rotateBasicCredential(client, step(name, token));
}

describe('single-user rotation', () => {
  it('replaces the password, keeps the username and the JSON shape, and keeps the old one as AWSPREVIOUS', async () => {
    const token = sm.startRotation();
    await rotate(token);

    expect(stageHolder('AWSCURRENT')?.[0]).toBe(token);
    const current = valueAt('AWSCURRENT');
    expect(Object.keys(current)).toStrictEqual(['username', 'password']);
    expect(current.username).toBe('okta-hook');
    expect(current.password).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(valueAt('AWSPREVIOUS')).toStrictEqual(OLD);
    expect(sm.calls.find((call) => call.operation === 'GetRandomPassword')?.input).toStrictEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
  });

  it('tags the secret right after moving AWSCURRENT: the new version id and the epoch second of the move', async () => {
    const movedAt = Date.UTC(2026, 0, 5, 9, 0, 0, 250);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(movedAt);
    try {
      const token = sm.startRotation();
      const from = sm.calls.length;
      await rotate(token);
      const operations = sm.calls.slice(from).map((call) => call.operation);
      expect(operations.slice(-2)).toStrictEqual(['UpdateSecretVersionStage', 'TagResource']);
      // Rounded up to the second: never before the move.
      const value = `${token} ${Math.ceil(movedAt / 1000)}`;
      expect(sm.calls.at(-1)?.input).toStrictEqual({ SecretId: sm.arn, Tags: [{ Key: CURRENT_SINCE_TAG, Value: value }] });
      expect(sm.tags.get(CURRENT_SINCE_TAG)).toBe(value);
      expect(value).toMatch(/^[0-9a-f-]{36} \d{10}$/);
      expect(logged).toContain(`finishSecret: tagged ${CURRENT_SINCE_TAG}: ${value}`);
    } finally {
      vi.useRealTimers();
    }
  });

  it('finishes the rotation when the tag cannot be written, says so in an error line, and the hook falls back to LastChangedDate', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    const token = sm.startRotation();
    sm.fault({ status: 500 }, (call) => call.operation === 'TagResource');
    try {
      await rotate(token);
    } finally {
      sm.fault(undefined);
    }
    expect(stageHolder('AWSCURRENT')?.[0]).toBe(token);
    expect(sm.tags.get(CURRENT_SINCE_TAG) ?? '').not.toContain(token);
    expect(errors).toStrictEqual([
      `finishSecret: ${CURRENT_SINCE_TAG} not tagged (InternalServiceError): the hook counts the grace from LastChangedDate`,
    ]);
  });

  it('is safe to repeat: a retried createSecret or finishSecret changes nothing', async () => {
    const token = sm.startRotation();
    await rotateBasicCredential(client, step('createSecret', token));
    const pending = valueAt('AWSPENDING');
    await rotateBasicCredential(client, step('createSecret', token));
    expect(valueAt('AWSPENDING')).toStrictEqual(pending);

    await rotateBasicCredential(client, step('finishSecret', token));
    const calls = sm.calls.length;
    await rotateBasicCredential(client, step('finishSecret', token));
    expect(sm.calls.slice(calls).map((call) => call.operation)).toStrictEqual(['DescribeSecret']);
    expect(valueAt('AWSCURRENT')).toStrictEqual(pending);
  });

  it('never logs a password', async () => {
    await rotate(sm.startRotation());
    expect(logged.length).toBeGreaterThan(0);
    const passwords = [...sm.versions.values()].map((version) => JSON.parse(version.secretString ?? '{}').password as string);
    for (const line of logged) for (const password of passwords) expect(line).not.toContain(password);
  });

  it.each([
    ['an unknown step', () => step('dropSecret', sm.startRotation()), /unknown rotation step "dropSecret"/],
    ['a token that is not a version', () => step('createSecret', 'no-such-version'), /is not a version of the secret/],
    [
      'a token that is not pending',
      () => step('createSecret', [...sm.versions].find(([, v]) => v.stages.length === 0)?.[0] ?? 'x'),
      /is not staged as AWSPENDING/,
    ],
  ])('refuses %s', async (_, event, message) => {
    await rotate(sm.startRotation()); // leaves a version without any stage behind
    await rotate(sm.startRotation());
    await expect(rotateBasicCredential(client, event())).rejects.toThrow(message);
  });

  it('refuses when rotation is not enabled on the secret', async () => {
    sm.rotationEnabled = false;
    try {
      await expect(rotateBasicCredential(client, step('createSecret', sm.startRotation()))).rejects.toThrow(/rotation is not enabled/);
    } finally {
      sm.rotationEnabled = true;
    }
  });
});

describe('npm run okta:secret', () => {
  const environment = () => ({ ...process.env });
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = environment();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
    });
  });
  afterEach(() => {
    process.env = saved;
  });

  it("prints Okta's Authentication field and the Basic value of the current credential", async () => {
    await expect(oktaSecret(['--secret-id', sm.arn], {})).resolves.toBe(
      `Authentication field: authorization\nAuthentication secret: ${basicHeaderValue(valueAt('AWSCURRENT'))}`,
    );
  });

  it('reads the secret id from HOOK_SECRET_ID', async () => {
    await expect(oktaSecret([], { HOOK_SECRET_ID: sm.arn })).resolves.toContain(basicHeaderValue(valueAt('AWSCURRENT')));
  });

  it('can print the previous version, during the grace period after a rotation', async () => {
    const previous = valueAt('AWSPREVIOUS');
    await expect(oktaSecret(['--secret-id', sm.arn, '--version-stage', 'AWSPREVIOUS'], {})).resolves.toContain(basicHeaderValue(previous));
  });
});

describe('automatic rotation in the stack', () => {
  const synth = (settings: Partial<TokenHookSettings>) => {
    const { stacks } = tokenHookApp([{ stageName: 'rot', ...settings }]);
    return Template.fromStack(stacks[0]!);
  };
  const rotationFunctions = (template: Template) =>
    template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Rotation') } });

  it('with the Okta settings: rotates every rotationDays, and the rotation role can read the Okta credential secret, which the stack creates empty', () => {
    const template = synth({ ...OKTA, rotationDays: 14 });
    const json = template.toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
      Outputs: Record<string, { Value: unknown }>;
    };
    const oktaSecret = Object.entries(json.Resources).find(
      ([, resource]) => resource.Type === 'AWS::SecretsManager::Secret' && !resource.Properties.GenerateSecretString,
    );
    // No GenerateSecretString, no SecretString: no value until an operator puts one.
    expect(Object.keys(oktaSecret?.[1].Properties ?? {}).sort()).toStrictEqual(['Description', 'KmsKeyId', 'Tags']);
    expect(oktaSecret?.[1].Properties.KmsKeyId).toStrictEqual({
      'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'],
    });
    expect(oktaSecret?.[1].Properties.Description).toMatch(/Okta service app .*clientId.*privateKeyJwk/);
    const oktaSecretId = oktaSecret?.[0] as string;
    const [functionId, rotation] = Object.entries(rotationFunctions(template))[0]!;
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationLambdaARN: { 'Fn::GetAtt': [functionId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(14 days)' },
    });
    expect(rotation.Properties.Environment.Variables).toStrictEqual({
      OKTA_ORG_URL: 'https://example.okta.com',
      OKTA_HOOK_ID: OKTA.oktaHookId,
      OKTA_AUTH: 'privateKeyJwt',
      OKTA_CREDENTIAL_SECRET_ID: { Ref: oktaSecretId },
    });
    // No VPC: it reaches Okta over the internet.
    expect(rotation.Properties.VpcConfig).toBeUndefined();
    // Every statement that names the Okta credential: GetSecretValue, on that secret, for the rotation role only.
    const role = rotation.Properties.Role['Fn::GetAtt'][0];
    const naming = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
        .filter((statement) => JSON.stringify(statement).includes(oktaSecretId))
        .map((statement) => ({ roles: policy.Properties.Roles, statement })),
    );
    expect(naming).toStrictEqual([
      { roles: [{ Ref: role }], statement: { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: oktaSecretId } } },
    ]);
    expect(JSON.stringify(json.Outputs.OktaCredentialSecretId?.Value)).toContain(oktaSecretId);
    expect(JSON.stringify(json.Outputs.OktaCredentialFillCommand?.Value)).toMatch(
      /aws secretsmanager put-secret-value .*--secret-string file:\/\/okta-credential.json/,
    );
  });

  it('with oktaAuth=apiToken: the function expects an API token in the Okta credential secret', () => {
    const template = synth({ ...OKTA, oktaAuth: 'apiToken' });
    const [, rotation] = Object.entries(rotationFunctions(template))[0]!;
    expect(rotation.Properties.Environment.Variables.OKTA_AUTH).toBe('apiToken');
  });

  it('without the Okta settings: no rotation schedule, no rotation function, no Okta credential secret', () => {
    const template = synth({});
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(rotationFunctions(template)).toStrictEqual({});
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(Object.keys((template.toJSON() as { Outputs: object }).Outputs)).not.toContain('OktaCredentialSecretId');
  });

  it.each([
    [{ oktaOrgUrl: OKTA.oktaOrgUrl }, /automatic rotation needs both oktaOrgUrl and oktaHookId; missing: oktaHookId/],
    [{ oktaHookId: OKTA.oktaHookId }, /missing: oktaOrgUrl/],
    [{ ...OKTA, oktaOrgUrl: 'http://example.okta.com' }, /"oktaOrgUrl" must be the https URL of the Okta org/],
    [
      { ...OKTA, oktaOrgUrl: 'https://example.okta.com/oauth2/default' },
      /"oktaOrgUrl" must be the https URL of the Okta org and nothing more/,
    ],
    [{ ...OKTA, oktaHookId: 'cal-1' }, /"oktaHookId" must be the id of the inline hook in Okta/],
    [{ ...OKTA, ...OAUTH }, /oktaOrgUrl and oktaHookId are for authMode "basic"/],
  ])('refuses %j with a SettingsError naming the setting', (settings, message) => {
    expect(() => synth(settings as Partial<TokenHookSettings>)).toThrow(message);
    try {
      synth(settings as Partial<TokenHookSettings>);
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
    }
  });

  it('reads the Okta settings from context, and refuses an unknown oktaAuth', () => {
    const fromContext = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);
    expect(fromContext({ oktaOrgUrl: ' https://example.okta.com ', oktaHookId: OKTA.oktaHookId, oktaAuth: 'apiToken' })).toMatchObject({
      oktaOrgUrl: 'https://example.okta.com',
      oktaHookId: OKTA.oktaHookId,
      oktaAuth: 'apiToken',
    });
    expect(() => fromContext({ oktaAuth: 'password' })).toThrow(/"oktaAuth" must be one of privateKeyJwt, apiToken/);
  });
});
