import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lambda/config.ts';
import { OKTA_CALL_OUTCOMES, OUTCOME_ALARMS, UNAUTHORIZED_THRESHOLD } from '../../infra/hook-alarms.ts';
import { ACCESS_LOG_FIELDS } from '../../infra/hook-api.ts';
import { USER_HASH_KEY_LENGTH } from '../../infra/user-hash-key.ts';
import { OKTA, tokenHookApp } from './synth.ts';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

let template: Template;
let json: { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };

const logicalId = (type: string, props: Record<string, unknown> = {}) => {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0] as string;
};
/** The two secrets: the Basic credential (a JSON value with a generated password) and the user hash key. */
const credentialId = () =>
  logicalId('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) });
/** The Okta credential secret: created with no value at all, for an operator to fill. */
const oktaCredentialId = () =>
  logicalId('AWS::SecretsManager::Secret', { GenerateSecretString: Match.absent(), SecretString: Match.absent() });
const hashKeyId = () =>
  logicalId('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: Match.absent() }) });
/** An alarm by its construct id under Alarms/ (the logical id starts with it). */
const alarmId = (id: string) => {
  const found = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((logical) => logical.startsWith(`Alarms${id}`));
  expect(found).toHaveLength(1);
  return found[0] as string;
};

beforeAll(() => {
  const { stacks } = tokenHookApp([{ stageName: 'test', alarmEmail: 'ops@example.com', ...OKTA }]);
  template = Template.fromStack(stacks[0]!);
  json = template.toJSON() as typeof json;
});

describe('patients table', () => {
  it('is keyed by username, on demand, with PITR, encryption at rest and deletion protection', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'username', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is keyed by oktaUserId with userKey=oktaId, as a new resource beside the retained login-keyed one', () => {
    const { stacks } = tokenHookApp([{ stageName: 'byid', userKey: 'oktaId' }]);
    const byId = Template.fromStack(stacks[0]!);
    const tables = byId.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(1);
    expect(Object.keys(tables)[0]).toMatch(/^PatientsByOktaId/);
    expect(Object.keys(json.Resources).find((id) => json.Resources[id]!.Type === 'AWS::DynamoDB::Table')).toMatch(/^Patients(?!ByOktaId)/);
    byId.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'oktaUserId', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    byId.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    byId.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ USER_KEY: 'oktaId' }) } });
  });

  it('with keyMigration, holds both tables under fixed logical ids, and the function reads the one userKey names', () => {
    const tableIds = (template: Template) => Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const functionTable = (template: Template) =>
      (Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Timeout: 2 } }))[0] as any)
        .Properties.Environment.Variables.PATIENTS_TABLE.Ref;
    const before = Template.fromStack(tokenHookApp([{ stageName: 'move', keyMigration: true }]).stacks[0]!);
    const [loginTableId, oktaIdTableId] = tableIds(before) as [string, string];
    expect([loginTableId, oktaIdTableId].map((id) => id.replace(/Table[0-9A-F]{8}$/, ''))).toStrictEqual(['Patients', 'PatientsByOktaId']);
    expect(before.findResources('AWS::DynamoDB::Table')[oktaIdTableId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KeySchema: [{ AttributeName: 'oktaUserId', KeyType: 'HASH' }], DeletionProtectionEnabled: true },
    });
    expect(functionTable(before)).toBe(loginTableId);
    before.hasOutput('OtherPatientsTableName', { Value: { Ref: oktaIdTableId } });

    const switched = Template.fromStack(tokenHookApp([{ stageName: 'move', keyMigration: true, userKey: 'oktaId' }]).stacks[0]!);
    expect(tableIds(switched)).toStrictEqual([loginTableId, oktaIdTableId]);
    expect(functionTable(switched)).toBe(oktaIdTableId);
    switched.hasOutput('OtherPatientsTableName', { Value: { Ref: loginTableId } });

    const done = Template.fromStack(tokenHookApp([{ stageName: 'move', userKey: 'oktaId' }]).stacks[0]!);
    expect(tableIds(done)).toStrictEqual([oktaIdTableId]);
  });

  it('survives cdk destroy and replacement', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has no physical name, so stages do not clash', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
  });
});

describe('hook function', () => {
  const hookFunction = () => {
    const id = logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 2 });
    return json.Resources[id]!.Properties!;
  };

  it('runs Node.js 24 on arm64 with the handler of the bundle', () => {
    expect(hookFunction()).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      // The answer leaves within 1 s (lambda/request-deadline.ts); Okta waits 3 s.
      Timeout: 2,
      // The default: the stage's 70 requests a second, for the 1 s a request may take.
      ReservedConcurrentExecutions: 70,
    });
  });

  it('gets exactly the environment the function reads', () => {
    expect(hookFunction().Environment).toStrictEqual({
      Variables: {
        HOOK_PATH: '/tokenHook',
        PATIENTS_TABLE: { Ref: logicalId('AWS::DynamoDB::Table') },
        USER_KEY: 'login',
        PATIENT_ID_PATTERN: '[A-Za-z0-9._-]{1,64}',
        HOOK_SECRET_ID: { Ref: credentialId() },
        CLAIM_NAME: 'extPatientId',
        CLAIM_TOKENS: 'id',
        METRICS_NAMESPACE: 'OktaTokenHook/test',
        FAILURE_MODE: 'open',
        HOOK_AUTH: 'basic',
        USER_HASH_KEY_SECRET_ID: { Ref: hashKeyId() },
        ROTATION_GRACE_HOURS: '24',
      },
    });
  });

  it("logs JSON at INFO to its own log group with a retention period, without Lambda's START/END/REPORT records", () => {
    const config = hookFunction().LoggingConfig as { LogGroup: { Ref: string } };
    expect(config).toStrictEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'WARN',
      LogGroup: { Ref: expect.any(String) },
    });
    expect(json.Resources[config.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
  });

  it('may read one item of the table, the user-hash key and the credential secret (its value and its metadata), and nothing else', () => {
    const role = (hookFunction().Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const logGroup = (hookFunction().LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const dataKey = logicalId('AWS::KMS::Key');
    expect(Object.values(policies).map((p) => p.Properties.PolicyDocument)).toStrictEqual([
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteOwnLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table'), 'Arn'] },
          },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: hashKeyId() } },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: { Ref: credentialId() },
          },
          // The init read of both: IAM only takes "*" for it, and it returns only what GetSecretValue allows.
          { Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
          {
            // Both secrets are under the stack's data key: decrypting them only through Secrets Manager.
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [dataKey, 'Arn'] },
            Condition: {
              StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            },
          },
        ],
      },
    ]);
    // The role itself: assumable by Lambda, no managed policies, nothing inline.
    const roleProps = json.Resources[role]!.Properties!;
    expect(roleProps.ManagedPolicyArns).toBeUndefined();
    expect(roleProps.Policies).toBeUndefined();
  });
});

describe('HTTP API', () => {
  it('has one route, POST /tokenHook, to the function with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /tokenHook', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 2 }), 'Arn'] },
    });
  });

  it('serves the $default stage, throttled, with access logs that hold no body and no header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = json.Resources[logicalId('AWS::ApiGatewayV2::Stage')]!.Properties!;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 70, ThrottlingBurstLimit: 140 },
    });
    const access = stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(JSON.parse(access.Format)).toStrictEqual(ACCESS_LOG_FIELDS);
    expect(access.Format).not.toMatch(/\$(context\.)?(request\.)?(body|header|input)|userAgent|authorizer/i);
    expect(json.Resources[access.DestinationArn['Fn::GetAtt'][0]]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
    });
  });

  it('logs access under /aws/vendedlogs/, named by the stage and, as the group outlives the stack, the stack id', () => {
    const access = json.Resources[logicalId('AWS::ApiGatewayV2::Stage')]!.Properties!.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
    };
    const name = json.Resources[access.DestinationArn['Fn::GetAtt'][0]]!.Properties!.LogGroupName as { 'Fn::Join': [string, unknown[]] };
    expect(name['Fn::Join'][1]).toStrictEqual([
      '/aws/vendedlogs/apigateway/okta-token-hook-test-',
      { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
    ]);
  });

  it("counts API Gateway's 429s from the access log, in the stage's namespace", () => {
    const access = json.Resources[logicalId('AWS::ApiGatewayV2::Stage')]!.Properties!.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
    };
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: access.DestinationArn['Fn::GetAtt'][0] },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        {
          MetricNamespace: 'OktaTokenHook/test',
          MetricName: 'ApiThrottled',
          MetricValue: '1',
          Dimensions: Match.absent(),
        },
      ],
    });
    expect(ACCESS_LOG_FIELDS).toMatchObject({ status: '$context.status' });
  });

  it('lets only this API route invoke the function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/\\*/tokenHook$')])] },
    });
  });
});

describe('credential', () => {
  it('is generated by AWS: okta-hook and a long password without punctuation', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3); // and the user hash key, and the Okta credential
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: Match.absent(),
      SecretString: Match.absent(),
      GenerateSecretString: {
        SecretStringTemplate: '{"username":"okta-hook"}',
        GenerateStringKey: 'password',
        PasswordLength: 64,
        ExcludePunctuation: true,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      },
    });
  });

  it('rotates every 30 days with the rotation function, and never on a mere schedule change', () => {
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: credentialId() },
      RotationLambdaARN: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', { Timeout: 60 }), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  it('gives the rotation function only what single-user rotation needs, and the one tag that says when AWSCURRENT moved', () => {
    const rotation = json.Resources[logicalId('AWS::Lambda::Function', { Timeout: 60 })]!.Properties!;
    expect(rotation).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
    const role = (rotation.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    expect(Object.values(policies).map((p) => p.Properties.PolicyDocument.Statement)).toStrictEqual([
      [
        expect.objectContaining({ Sid: 'WriteOwnLogs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        // The Okta credential: read, nothing else; both secrets are under the data key, used only through Secrets Manager.
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: oktaCredentialId() } },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: { 'Fn::GetAtt': [logicalId('AWS::KMS::Key'), 'Arn'] },
          Condition: {
            StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
          },
        },
        {
          Effect: 'Allow',
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: { Ref: credentialId() },
        },
        { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'secretsmanager:TagResource',
          Resource: { Ref: credentialId() },
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['okta-token-hook:current-since'] } },
        },
      ],
    ]);
    expect(json.Resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('never puts a secret value in the template', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/\\?"password\\?"\s*:/);
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/]{20,}/);
    expect(text).not.toContain(Buffer.from('okta-hook:').toString('base64').slice(0, 12)); // every header value starts so
    expect(text).not.toContain('"SecretString"');
    // No literal that looks like a generated password: 32+ letters and digits that are not a logical id.
    const logicalIds = new Set(Object.keys(json.Resources));
    const literals: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') literals.push(...(value.match(/[A-Za-z0-9]{32,}/g) ?? []));
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(json.Resources);
    walk(json.Outputs);
    // Names CDK derives from construct paths, and AWS Backup's managed policy, are not values.
    const derivedNames = /^(?:OktaTokenHook\w+BackupVault[0-9A-F]{8}|AWSBackupServiceRolePolicyForBackup)$/;
    const suspicious = literals.filter(
      (literal) => !logicalIds.has(literal) && !/^[0-9a-f]{64}$/.test(literal) && !derivedNames.test(literal),
    );
    expect(suspicious).toStrictEqual([]);
  });
});

describe('user hash key', () => {
  const hashKey = () => json.Resources[hashKeyId()]!;

  it('is a plain string of 48 letters and digits that AWS generates, kept when the stack goes', () => {
    expect(hashKey()).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
      },
    });
    expect(hashKey().Properties).not.toHaveProperty('SecretString');
    expect(hashKey().Properties).not.toHaveProperty('Name');
    expect(USER_HASH_KEY_LENGTH).toBe(48);
  });

  it('is long enough for the function, which refuses a USER_HASH_KEY under 32 characters', () => {
    const base = { PATIENTS_TABLE: 't', HOOK_SECRET_ID: 's' };
    expect(loadConfig({ ...base, USER_HASH_KEY: 'k'.repeat(USER_HASH_KEY_LENGTH) }).userHashKey).toHaveLength(48);
    expect(() => loadConfig({ ...base, USER_HASH_KEY: 'k'.repeat(31) })).toThrow(/USER_HASH_KEY must be at least 32 characters/);
  });

  it('reaches the function only as the secret ARN it reads at init, never as its value in the environment', () => {
    const hook = logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 2 });
    const variables = (json.Resources[hook]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.USER_HASH_KEY_SECRET_ID).toStrictEqual({ Ref: hashKeyId() });
    expect(variables).not.toHaveProperty('USER_HASH_KEY');
    expect(JSON.stringify(variables)).not.toContain('{{resolve:secretsmanager');
    // Elsewhere only in the policy that lets the function read it: not in an output, and no rotation.
    const mentions = Object.entries(json.Resources)
      .filter(([id]) => id !== hashKeyId() && JSON.stringify(json.Resources[id]).includes(`"Ref":"${hashKeyId()}"`))
      .map(([id]) => json.Resources[id]!.Type);
    expect(mentions.sort()).toStrictEqual(['AWS::IAM::Policy', 'AWS::Lambda::Function']);
    expect(JSON.stringify(json.Outputs)).not.toContain(hashKeyId());
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { SecretId: { Ref: hashKeyId() } }, 0);
  });

  it('has no plain value anywhere in the template', () => {
    const text = JSON.stringify(json);
    // No dynamic reference, and no literal of the key's length and alphabet.
    expect(text).not.toContain('{{resolve:');
    expect(text).not.toMatch(/USER_HASH_KEY":"/);
    expect(text).not.toMatch(new RegExp(`(?<![A-Za-z0-9])[A-Za-z0-9]{${USER_HASH_KEY_LENGTH}}(?![A-Za-z0-9])`));
  });
});

describe('alarms', () => {
  const alarmOn = (metricName: string) =>
    template.findResources('AWS::CloudWatch::Alarm', { Properties: Match.objectLike({ MetricName: metricName, Namespace: 'AWS/Lambda' }) });

  it('alarm on errors, throttles and p99 duration above 1 s of the hook', () => {
    const hookRef = { Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 2 }) } };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [hookRef],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Dimensions: [hookRef],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Dimensions: [hookRef],
      ExtendedStatistic: 'p99',
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(Object.keys(alarmOn('Errors'))).toHaveLength(2); // the hook's and the rotation function's
    // These 3, the rotation's, 5 outcomes, and the API's 5xx, 429s, 4xx rate, p99 latency and no traffic.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 14);
  });

  // The function never throws, so Lambda's Errors metric misses these: it counts them itself, in EMF.
  it.each([
    ['StoreFailure', 1],
    ['CredentialSourceUnavailable', 1],
    ['UnexpectedError', 1],
    ['Unauthorized', 5],
  ])("alarm on the function's own %s count, %i or more in 5 minutes, for this function only", (metricName, threshold) => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: Match.objectLike({ MetricName: metricName }) });
    expect(Object.values(alarms).map((alarm) => alarm.Properties)).toStrictEqual([
      {
        AlarmDescription: expect.stringMatching(/^The token hook .{40,}/),
        Namespace: 'OktaTokenHook/test',
        MetricName: metricName,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: logicalId('AWS::SNS::Topic') }],
        OKActions: [{ Ref: logicalId('AWS::SNS::Topic') }],
        Tags: expect.any(Array),
      },
    ]);
  });

  it("watch exactly those outcome metrics, in the stage's namespace the function writes to, with no dimension", () => {
    expect(OUTCOME_ALARMS.map((alarm) => [alarm.metricName, alarm.threshold])).toStrictEqual([
      ['StoreFailure', 1],
      ['CredentialSourceUnavailable', 1],
      ['InvalidPatientRecord', 1],
      ['UnexpectedError', 1],
      ['Unauthorized', UNAUTHORIZED_THRESHOLD],
    ]);
    const hook = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Timeout: 2 } });
    expect(Object.values(hook)[0]).toMatchObject({
      Properties: { Environment: { Variables: { METRICS_NAMESPACE: 'OktaTokenHook/test' } } },
    });
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'OktaTokenHook/test', MetricName: Match.not('ApiThrottled'), Dimensions: Match.absent() },
      5,
    );
  });

  it('alarm on any 5xx API Gateway answers on the $default stage', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: Match.objectLike({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' }),
    });
    expect(Object.values(alarms).map((alarm) => alarm.Properties)).toStrictEqual([
      expect.objectContaining({
        MetricName: '5xx',
        Dimensions: [
          { Name: 'ApiId', Value: { Ref: logicalId('AWS::ApiGatewayV2::Api') } },
          { Name: 'Stage', Value: '$default' },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: logicalId('AWS::SNS::Topic') }],
      }),
    ]);
  });

  it('treat no data as healthy, so a quiet night raises nothing, except NoTraffic, for which silence is the symptom', () => {
    const noTraffic = alarmId('NoTraffic');
    for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.TreatMissingData, id).toBe(id === noTraffic ? 'breaching' : 'notBreaching');
    }
  });

  it('alarm on any 429 API Gateway answers, counted from the access log', () => {
    expect(json.Resources[alarmId('ApiThrottled')]!.Properties).toMatchObject({
      Namespace: 'OktaTokenHook/test',
      MetricName: 'ApiThrottled',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it("alarm when 10% or more of the API's answers are 4xx, once 20 requests came in, in two windows of three", () => {
    const alarm = json.Resources[alarmId('ApiClientErrorRate')]!.Properties!;
    expect(alarm).toMatchObject({
      Threshold: 10,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    const queries = alarm.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string } };
    }>;
    expect(queries.find((query) => query.Expression)?.Expression).toBe('IF(requests >= 20, 100 * clientErrors / requests, 0)');
    expect(
      Object.fromEntries(queries.filter((query) => query.MetricStat).map((query) => [query.Id, query.MetricStat!.Metric.MetricName])),
    ).toStrictEqual({
      clientErrors: '4xx',
      requests: 'Count',
    });
  });

  it("alarm when the API's p99 latency is above 1.5 s, cold starts included, in two windows of three", () => {
    expect(json.Resources[alarmId('ApiSlowP99')]!.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 1500,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('alarm when no call from Okta (one that passed the credential check) came in 24 hours, no data counting as none', () => {
    const properties = json.Resources[alarmId('NoTraffic')]!.Properties! as { Metrics: Array<Record<string, any>> };
    expect(properties).toMatchObject({
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    const [expression, ...metrics] = properties.Metrics;
    expect(expression).toMatchObject({ Expression: OKTA_CALL_OUTCOMES.map((_, i) => `FILL(m${i}, 0)`).join(' + '), ReturnData: true });
    // Each outcome of an authenticated call, from the function's own EMF counts, over the whole window.
    expect(metrics.map((metric) => metric.MetricStat.Metric.MetricName)).toStrictEqual([...OKTA_CALL_OUTCOMES]);
    for (const metric of metrics)
      expect(metric.MetricStat).toMatchObject({ Period: 86_400, Stat: 'Sum', Metric: { Namespace: 'OktaTokenHook/test' } });
    // Scanners' refusals do not count.
    expect(OKTA_CALL_OUTCOMES).not.toContain('Unauthorized');
    expect(OKTA_CALL_OUTCOMES).not.toContain('RouteNotFound');
  });

  it('alarm on a failed rotation for a day after the last failure, and on an invalid patient record', () => {
    expect(json.Resources[alarmId('RotationErrors')]!.Properties).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(json.Resources[alarmId('InvalidPatientRecords')]!.Properties).toMatchObject({
      MetricName: 'InvalidPatientRecord',
      Namespace: 'OktaTokenHook/test',
    });
  });

  it('notify an email address through one SNS topic that requires TLS, on alarm and on recovery', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const topic = logicalId('AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // The topic's own policy replaces SNS's default: without this, no alarm could publish.
          Match.objectLike({
            Sid: 'AlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topic },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toStrictEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions).toStrictEqual([{ Ref: topic }]);
    }
  });
});

describe('rotation notice', () => {
  const rule = () => json.Resources[logicalId('AWS::Events::Rule')]!.Properties!;
  const message = () => {
    const target = (rule().Targets as { InputTransformer: { InputTemplate: { 'Fn::Join': [string, unknown[]] } } }[])[0]!;
    return target.InputTransformer.InputTemplate['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join('');
  };

  it("matches Secrets Manager's RotationSucceeded service event for this secret only", () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    expect(rule()).toMatchObject({
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationSucceeded'],
          additionalEventData: { SecretId: [{ Ref: credentialId() }] },
        },
      },
    });
  });

  it('notifies the alarm topic, which only this rule may publish to from EventBridge', () => {
    const topic = logicalId('AWS::SNS::Topic');
    expect(rule().Targets).toStrictEqual([
      { Id: 'Target0', Arn: { Ref: topic }, InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: expect.anything() } },
    ]);
    const policy = json.Resources[logicalId('AWS::SNS::TopicPolicy')]!.Properties!.PolicyDocument as { Statement: unknown[] };
    const fromEvents = policy.Statement.filter((statement) => JSON.stringify(statement).includes('events.amazonaws.com'));
    expect(fromEvents).toStrictEqual([
      {
        Sid: 'RotationNoticeFromEventBridge',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId('AWS::Events::Rule'), 'Arn'] } } },
      },
    ]);
  });

  it('tells the operator that Okta was updated automatically, that nothing is to be done, and what a failure does instead', () => {
    const text = message();
    expect(text).toContain('rotated at <time>');
    expect(text).toContain('Okta was updated automatically');
    expect(text).toContain('for 24 hours after the rotation');
    expect(text).toContain('Nothing to do.');
    expect(text).toContain('RotationErrors alarm');
    expect(text).toContain(`Secret: {"Ref":"${credentialId()}"}`);
    expect(text).not.toContain('paste');
    // One JSON string a line, as EventBridge's input template wants for text.
    for (const line of text.split('\n')) expect(line).toMatch(/^".*"$/);
  });
});

describe('dashboard', () => {
  /** The dashboard body as text, each reference to a resource written as <logical id>. */
  const body = () => {
    const joined = json.Resources[logicalId('AWS::CloudWatch::Dashboard')]!.Properties!.DashboardBody as {
      'Fn::Join': [string, unknown[]];
    };
    return joined['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : `<${Object.values(part as Record<string, unknown>).flat()[0] as string}>`))
      .join('');
  };
  const graphs = () =>
    (JSON.parse(body()) as { widgets: Array<{ type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } }> })
      .widgets;
  const graph = (title: RegExp) => {
    const found = graphs().filter((widget) => title.test(widget.properties.title));
    expect(found).toHaveLength(1);
    return JSON.stringify(found[0]!.properties.metrics);
  };

  it("shows the answers per reason, found by a search of the function's own metrics, so a new reason needs no change here", () => {
    expect(JSON.parse(graph(/^Answers per reason/))).toStrictEqual([
      [
        {
          expression: `SEARCH('{"OktaTokenHook/test"} NOT MetricName="ColdStart" NOT MetricName="ApiThrottled"', 'Sum', 300)`,
        },
      ],
    ]);
  });

  it('shows API latency p50 and p99, cold starts, store and secret failures, Lambda throttles and API 429s', () => {
    expect(graph(/latency/)).toMatch(/"Latency".*"p50".*"Latency".*"p99"/);
    expect(graph(/cold starts/)).toContain('"OktaTokenHook/test","ColdStart"');
    const failures = graph(/failures/);
    for (const reason of ['StoreFailure', 'CredentialSourceUnavailable', 'InvalidPatientRecord', 'UnexpectedError'])
      expect(failures).toContain(`"${reason}"`);
    const throttles = graph(/Throttles/);
    for (const metric of [
      '"OktaTokenHook/test","ApiThrottled"',
      '"AWS/Lambda","Throttles"',
      '"AWS/ApiGateway","4xx"',
      '"AWS/ApiGateway","5xx"',
    ]) {
      expect(throttles).toContain(metric);
    }
  });

  it('shows the state of every alarm', () => {
    const [alarms] = graphs().filter((widget) => widget.type === 'alarm');
    expect(alarms!.properties.alarms!.sort()).toStrictEqual(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm'))
        .map((id) => `<${id}>`)
        .sort(),
    );
  });
});

describe('outputs', () => {
  const joined = (name: string) =>
    ((json.Outputs[name]!.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join('');

  it('give the hook URL at the root of the $default stage', () => {
    expect(joined('HookUrl')).toBe(
      `https://{"Ref":"${logicalId('AWS::ApiGatewayV2::Api')}"}.execute-api.{"Ref":"AWS::Region"}.{"Ref":"AWS::URLSuffix"}/tokenHook`,
    );
  });

  it('give the table name and the secret ARN, never its value', () => {
    expect(json.Outputs.PatientsTableName?.Value).toStrictEqual({ Ref: logicalId('AWS::DynamoDB::Table') });
    expect(json.Outputs.HookSecretId?.Value).toStrictEqual({ Ref: credentialId() });
  });

  it('give the dashboard URL, in the console of the stack region', () => {
    const dashboard = logicalId('AWS::CloudWatch::Dashboard');
    expect(json.Resources[dashboard]!.Properties!.DashboardName).toStrictEqual({
      'Fn::Join': ['', ['OktaTokenHook-test-', { Ref: 'AWS::Region' }]],
    });
    expect(joined('DashboardUrl')).toBe(
      'https://{"Ref":"AWS::Region"}.console.aws.amazon.com/cloudwatch/home?region={"Ref":"AWS::Region"}' +
        '#dashboards:name=OktaTokenHook-test-{"Ref":"AWS::Region"}',
    );
  });

  it('give the log groups of the hook function and of the API access log, and the alarm topic', () => {
    const hookLogs = (
      json.Resources[logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 2 })]!.Properties!.LoggingConfig as {
        LogGroup: { Ref: string };
      }
    ).LogGroup;
    expect(json.Outputs.HookLogGroupName?.Value).toStrictEqual(hookLogs);
    const access = json.Resources[logicalId('AWS::ApiGatewayV2::Stage')]!.Properties!.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
    };
    expect(json.Outputs.ApiAccessLogGroupName?.Value).toStrictEqual({ Ref: access.DestinationArn['Fn::GetAtt'][0] });
    expect(json.Outputs.AlarmTopicArn?.Value).toStrictEqual({ Ref: logicalId('AWS::SNS::Topic') });
  });

  it("give the CLI command that prints Okta's Authentication secret", () => {
    expect(joined('OktaAuthenticationSecretCommand')).toBe(
      `aws secretsmanager get-secret-value --region {"Ref":"AWS::Region"} ` +
        `--secret-id {"Ref":"${credentialId()}"} --query SecretString --output text ` +
        `| jq -r '"Basic " + ("\\(.username):\\(.password)" | @base64)'`,
    );
  });
});
