import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lambda/config.ts';
import { HOOK_METRICS_NAMESPACE, HOOK_METRICS_SERVICE, OUTCOME_ALARMS, UNAUTHORIZED_THRESHOLD } from '../../infra/hook-alarms.ts';
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
/** What CloudFormation resolves at deploy time into the key's value; the template holds only this. */
const hashKeyReference = () => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: hashKeyId() }, ':SecretString:::}}']] });

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
      (Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Timeout: 3 } }))[0] as any).Properties
        .Environment.Variables.PATIENTS_TABLE.Ref;
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
    const id = logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 });
    return json.Resources[id]!.Properties!;
  };

  it('runs Node.js 24 on arm64 with the handler of the bundle', () => {
    expect(hookFunction()).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 3,
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
        FAILURE_MODE: 'open',
        HOOK_AUTH: 'basic',
        USER_HASH_KEY: hashKeyReference(),
        ROTATION_GRACE_HOURS: '24',
      },
    });
  });

  it('logs JSON at INFO to its own log group with a retention period', () => {
    const config = hookFunction().LoggingConfig as { LogGroup: { Ref: string } };
    expect(config).toStrictEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
      LogGroup: { Ref: expect.any(String) },
    });
    expect(json.Resources[config.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
  });

  // Nothing for the user hash key: CloudFormation resolves it into the environment, the function never reads it.
  it("may read one item of the table and the credential secret (its value and its metadata), and nothing else", () => {
    const role = (hookFunction().Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    expect(Object.values(policies).map((p) => p.Properties.PolicyDocument)).toStrictEqual([
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table'), 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: { Ref: credentialId() },
          },
        ],
      },
    ]);
    // The role itself: assumable by Lambda, writes to its own log group, no managed policies.
    const roleProps = json.Resources[role]!.Properties!;
    expect(roleProps.ManagedPolicyArns).toBeUndefined();
    expect(roleProps.Policies).toStrictEqual([
      {
        PolicyName: 'WriteOwnLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [(hookFunction().LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref, 'Arn'] },
            },
          ],
        },
      },
    ]);
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
      IntegrationUri: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 }), 'Arn'] },
    });
  });

  it('serves the $default stage, throttled, with access logs that hold no body and no header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = json.Resources[logicalId('AWS::ApiGatewayV2::Stage')]!.Properties!;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const access = stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(JSON.parse(access.Format)).toStrictEqual(ACCESS_LOG_FIELDS);
    expect(access.Format).not.toMatch(/\$(context\.)?(request\.)?(body|header|input)|userAgent|authorizer/i);
    expect(json.Resources[access.DestinationArn['Fn::GetAtt'][0]]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
    });
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
        // The Okta credential: read, nothing else.
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: oktaCredentialId() } },
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
    const suspicious = literals.filter((literal) => !logicalIds.has(literal) && !/^[0-9a-f]{64}$/.test(literal));
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

  it('reaches the function only as a dynamic reference CloudFormation resolves at deploy time', () => {
    const fn = json.Resources[logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 })]!.Properties!;
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.USER_HASH_KEY).toStrictEqual(hashKeyReference());
    // Nowhere else: not in an output, not in another resource, and no rotation.
    const mentions = Object.entries(json.Resources)
      .filter(([id]) => id !== hashKeyId() && JSON.stringify(json.Resources[id]).includes(`"Ref":"${hashKeyId()}"`))
      .map(([id]) => id);
    expect(mentions).toStrictEqual([logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 })]);
    expect(JSON.stringify(json.Outputs)).not.toContain(hashKeyId());
    template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { SecretId: { Ref: hashKeyId() } }, 0);
  });

  it('has no plain value anywhere in the template', () => {
    const text = JSON.stringify(json);
    // The only way in is the {{resolve:...}} reference; no literal of the key's length and alphabet.
    expect(text.split('{{resolve:')).toHaveLength(2);
    expect(text).not.toMatch(/USER_HASH_KEY":"/);
    expect(text).not.toMatch(new RegExp(`(?<![A-Za-z0-9])[A-Za-z0-9]{${USER_HASH_KEY_LENGTH}}(?![A-Za-z0-9])`));
  });
});

describe('alarms', () => {
  const alarmOn = (metricName: string) =>
    template.findResources('AWS::CloudWatch::Alarm', { Properties: Match.objectLike({ MetricName: metricName, Namespace: 'AWS/Lambda' }) });

  it('alarm on errors, throttles and p99 duration above 1 s of the hook', () => {
    const hookRef = { Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 }) } };
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
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10); // these 3, the rotation's, 5 outcomes, API 5xx
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
        Namespace: 'OktaTokenHook',
        MetricName: metricName,
        Dimensions: [
          { Name: 'FunctionName', Value: { Ref: logicalId('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 3 }) } },
          { Name: 'Service', Value: 'okta-token-hook' },
        ],
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

  it('watch exactly those outcome metrics, in the namespace and with the service name the function writes', () => {
    expect(OUTCOME_ALARMS.map((alarm) => [alarm.metricName, alarm.threshold])).toStrictEqual([
      ['StoreFailure', 1],
      ['CredentialSourceUnavailable', 1],
      ['InvalidPatientRecord', 1],
      ['UnexpectedError', 1],
      ['Unauthorized', UNAUTHORIZED_THRESHOLD],
    ]);
    expect([HOOK_METRICS_NAMESPACE, HOOK_METRICS_SERVICE]).toStrictEqual(['OktaTokenHook', 'okta-token-hook']);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'OktaTokenHook' }, 5);
  });

  it('alarm on any 5xx API Gateway answers on the $default stage', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: Match.objectLike({ Namespace: 'AWS/ApiGateway' }) });
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

  it('treat no data as healthy, so a quiet night raises nothing', () => {
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  it('notify an email address through an SNS topic that requires TLS', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const topic = logicalId('AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
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

describe('outputs', () => {
  const joined = (name: string) =>
    ((json.Outputs[name]?.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[])
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

  it("give the CLI command that prints Okta's Authentication secret", () => {
    expect(joined('OktaAuthenticationSecretCommand')).toBe(
      `aws secretsmanager get-secret-value --region {"Ref":"AWS::Region"} ` +
        `--secret-id {"Ref":"${credentialId()}"} --query SecretString --output text ` +
        `| jq -r '"Basic " + ("\\(.username):\\(.password)" | @base64)'`,
    );
  });
});
