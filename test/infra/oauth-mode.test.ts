import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { TokenHookSettings } from '../../infra/settings.ts';
import { TokenHookStack } from '../../infra/token-hook-stack.ts';
import { OAUTH, stubBundles, tokenHookApp } from './synth.ts';

// OAuth mode: Okta sends a bearer token the function verifies itself, so there is no shared secret to
// store, rotate or announce; the one secret is the user hash key, as in Basic mode. With an alarm email,
// to show the topic gets no rotation notice either.

let template: Template;
let json: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };

beforeAll(() => {
  const { stacks } = tokenHookApp([{ ...OAUTH, oauthClientId: '0oa1hookclient', maxEventAgeSeconds: 300, alarmEmail: 'ops@example.com' }]);
  template = Template.fromStack(stacks[0]!);
  json = template.toJSON() as typeof json;
});

const hookFunction = () => {
  const functions = Object.values(json.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
  expect(functions).toHaveLength(1); // the hook; no rotation function
  return functions[0]!.Properties;
};
const tableId = () => Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]!;
const hashKeyId = () => {
  const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
  expect(secrets).toHaveLength(1); // the user hash key; no Basic credential
  return secrets[0]!;
};

describe('an OAuth-mode stack', () => {
  it('has no Basic secret, no rotation, no rotation alarm and no rotation notice', () => {
    for (const type of ['AWS::SecretsManager::RotationSchedule', 'AWS::Events::Rule']) {
      template.resourceCountIs(type, 0);
    }
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    // Errors, throttles, p99, five outcome counts, API 5xx, 429s, 4xx rate, p99 and no traffic; no rotation errors.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 13);
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'OktaTokenHook/oauth', MetricName: Match.not('ApiThrottled') },
      5,
    );
    template.resourceCountIs('AWS::SNS::Topic', 1);
    // Secrets Manager appears only as the user hash key and the function's permission to read it (and to
    // decrypt it through Secrets Manager): no Basic secret, no BatchGetSecretValue, no output. (The data
    // key's own policy lets Secrets Manager use it for the key's secret: not the function's.)
    const withoutDataKey = {
      ...json,
      Resources: Object.fromEntries(Object.entries(json.Resources).filter(([, r]) => r.Type !== 'AWS::KMS::Key')),
    };
    const mentions = JSON.stringify(withoutDataKey).match(/[^"]*secretsmanager[^"]*/gi);
    expect(mentions).toStrictEqual(['AWS::SecretsManager::Secret', 'secretsmanager:GetSecretValue', 'secretsmanager.']);
  });

  it('passes the function HOOK_AUTH=oauth and the issuer settings, and nothing of Basic mode', () => {
    expect(hookFunction().Environment).toStrictEqual({
      Variables: {
        HOOK_PATH: '/tokenHook',
        PATIENTS_TABLE: { Ref: tableId() },
        USER_KEY: 'login',
        PATIENT_ID_PATTERN: '[A-Za-z0-9._-]{1,64}',
        CLAIM_NAME: 'extPatientId',
        CLAIM_TOKENS: 'id',
        METRICS_NAMESPACE: 'OktaTokenHook/oauth',
        FAILURE_MODE: 'open',
        HOOK_AUTH: 'oauth',
        USER_HASH_KEY_SECRET_ID: { Ref: hashKeyId() },
        OAUTH_ISSUER: 'https://example.okta.com/oauth2/aus1hookcalls',
        OAUTH_AUDIENCE: 'api://patient-token-hook',
        OAUTH_SCOPE: 'patient.hook',
        OAUTH_CLIENT_ID: '0oa1hookclient',
        MAX_EVENT_AGE_SECONDS: '300',
      },
    });
  });

  it('lets the function read one item of the table and the user-hash key, and nothing else', () => {
    const role = (hookFunction().Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    // The other role is AWS Backup's (test/infra/patients-backup.test.ts), which no function can assume.
    const lambdaRoles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
    });
    expect(Object.keys(lambdaRoles)).toStrictEqual([role]);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: role }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          Match.objectLike({ Sid: 'WriteOwnLogs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] } },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: hashKeyId() } },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] },
            Condition: {
              StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
  });

  it('outputs the hook URL and the table, and nothing about a secret', () => {
    expect(Object.keys(json.Outputs).sort()).toStrictEqual([
      'AlarmTopicArn',
      'ApiAccessLogGroupName',
      'BackupVaultName',
      'DashboardUrl',
      'HookLogGroupName',
      'HookUrl',
      'PatientsTableName',
    ]);
  });

  it('leaves OAUTH_CLIENT_ID and MAX_EVENT_AGE_SECONDS out when they are not set', () => {
    const { stacks } = tokenHookApp([{ ...OAUTH, stageName: 'bare' }]);
    const variables = Template.fromStack(stacks[0]!).findResources('AWS::Lambda::Function');
    const environment = (Object.values(variables)[0]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(environment)).not.toContain('OAUTH_CLIENT_ID');
    expect(Object.keys(environment)).not.toContain('MAX_EVENT_AGE_SECONDS');
  });
});

describe('OAuth settings at synth', () => {
  const build = (settings: Partial<TokenHookSettings>) => () =>
    new TokenHookStack(new App(), 'Checked', { ...OAUTH, ...settings, ...stubBundles() });

  it('names every required setting that is missing', () => {
    expect(build({ oauthIssuer: undefined, oauthAudience: undefined, oauthScope: undefined })).toThrow(
      'authMode "oauth" needs oauthIssuer, oauthAudience, oauthScope; missing: oauthIssuer, oauthAudience, oauthScope',
    );
    expect(build({ oauthScope: ' ' })).toThrow(/missing: oauthScope \(/);
  });

  it.each([
    [{ oauthIssuer: 'http://example.okta.com/oauth2/aus1hookcalls' }, /OAUTH_ISSUER must be an https URL.*\(setting "oauthIssuer"\)/],
    [{ oauthIssuer: 'example.okta.com' }, /OAUTH_ISSUER must be a URL.*\(setting "oauthIssuer"\)/],
    [{ oauthScope: 'patient.hook openid' }, /OAUTH_SCOPE must be one scope name.*\(setting "oauthScope"\)/],
  ])("refuses %j with the function's own message and the setting to change", (settings, message) => {
    expect(build(settings)).toThrow(message);
  });

  it('ignores the OAuth settings in Basic mode', () => {
    const { stacks } = tokenHookApp([{ stageName: 'basic', oauthIssuer: 'not even a URL' }]);
    const environment = JSON.stringify(Template.fromStack(stacks[0]!).findResources('AWS::Lambda::Function'));
    expect(environment).not.toContain('OAUTH_');
  });
});
