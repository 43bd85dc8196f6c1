import { beforeAll, describe, expect, it } from 'vitest';
import { App, Token, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { HEALTH_NO_AUTHORIZER_REASON } from '../../infra/hook-api.ts';
import { REPLICA_KEY_REASON } from '../../infra/hook-credential.ts';
import { DEFAULT_HOOK_PATH as HOOK_PATH, HEALTH_PATH } from '../../lambda/config.ts';
import {
  HEALTH_CHECK_FAILURE_THRESHOLD,
  HEALTH_CHECK_INTERVAL_SECONDS,
  LATENCY_RECORD_TTL_SECONDS,
} from '../../infra/regional-front-door.ts';
import { dataKeyAlias, replicatedSecretName } from '../../infra/regions.ts';
import { REPLICATION_LATENCY_THRESHOLD_MS } from '../../infra/replication-alarm.ts';
import { settingsFromContext, type TokenHookSettings } from '../../infra/settings.ts';
import { TokenHookStack } from '../../infra/token-hook-stack.ts';
import { OAUTH, OKTA, tokenHookApp, stubBundles, type Synthesized } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type TemplateJson = { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };

const FRONT_DOOR = { domainName: 'hook.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } as const;
/** Basic mode with automatic rotation, us-east-1 first (the primary), us-west-2 drained for a drill. */
const BASIC = {
  stageName: 'multi',
  regions: ['us-east-1', 'us-west-2'],
  drainRegion: 'us-west-2',
  alarmEmail: 'ops@example.com',
  ...OKTA,
  ...FRONT_DOOR,
} satisfies TokenHookSettings;
/** The name CloudFormation gave a single-region stack's table, which the move to a global table keeps. */
const EXISTING_TABLE = 'OktaTokenHook-multi-oauth-PatientsTable737B3574-1A2B3C4D5E6F';
/** OAuth mode, the primary named and not first, nothing drained, an existing table moved to a global table. */
const OAUTH_TWO: TokenHookSettings = {
  ...OAUTH,
  stageName: 'multi-oauth',
  regions: ['us-west-2', 'eu-west-1'],
  primaryRegion: 'eu-west-1',
  patientsTableName: EXISTING_TABLE,
  ...FRONT_DOOR,
};

// Every kind of deployment in one app, synthesized once (with the cdk-nag packs, which throw on a finding):
// two of two regions, one naming a single region, and two naming none, as today (one of them rotating).
let synthesized: Synthesized;
let assembly: CloudAssembly;
const stacks: Record<string, TokenHookStack> = {};
const templates: Record<string, TemplateJson> = {};

beforeAll(() => {
  synthesized = tokenHookApp([
    BASIC,
    OAUTH_TWO,
    { stageName: 'one', regions: ['eu-west-1'] },
    { stageName: 'plain' },
    { stageName: 'rotating', ...OKTA },
  ]);
  assembly = synthesized.app.synth();
  for (const stack of synthesized.stacks) {
    stacks[stack.stackName] = stack;
    templates[stack.stackName] = Template.fromStack(stack).toJSON() as TemplateJson;
  }
});

const template = (name: string): TemplateJson => templates[name] as TemplateJson;
const resourcesOf = (name: string, type: string) =>
  Object.entries(template(name).Resources).filter(([, resource]) => resource.Type === type);
const onlyResource = (name: string, type: string): [string, Resource] => {
  const found = resourcesOf(name, type);
  expect(found, `${type} in ${name}`).toHaveLength(1);
  return found[0] as [string, Resource];
};

/** A CloudFormation string value as text: `<Ref>` and `<Resource.Attribute>` stand for what resolves at deploy time. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, any>;
  if (intrinsic.Ref) return `<${intrinsic.Ref}>`;
  if (intrinsic['Fn::GetAtt']) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  if (intrinsic['Fn::Join']) return (intrinsic['Fn::Join'][1] as unknown[]).map(text).join(intrinsic['Fn::Join'][0]);
  throw new Error(`no text for ${JSON.stringify(value)}`);
}

/** What the hook function's role may do, statement by statement, as text. */
function hookGrants(name: string): { actions: string[]; resource: string }[] {
  const [, policy] = resourcesOf(name, 'AWS::IAM::Policy').find(([id]) => id.startsWith('HookRoleDefaultPolicy')) as [string, Resource];
  return (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((statement) => ({
    actions: [statement.Action].flat(),
    resource: text(statement.Resource),
  }));
}

type Statement = { actions: string[]; resources: string[]; conditions?: Record<string, unknown> };

/** What the rotation function's role may do, statement by statement, with resources as text. */
function rotationGrants(name: string): Statement[] {
  const [, policy] = resourcesOf(name, 'AWS::IAM::Policy').find(([id]) => id.startsWith('CredentialRotationRoleDefaultPolicy')) as [
    string,
    Resource,
  ];
  return (
    policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> }[]
  ).map((statement) => ({
    actions: [statement.Action].flat(),
    resources: [statement.Resource].flat().map(text),
    ...(statement.Condition ? { conditions: statement.Condition } : {}),
  }));
}

const hookEnvironment = (name: string): Record<string, unknown> => {
  const [, hook] = resourcesOf(name, 'AWS::Lambda::Function').find(([id]) => id.startsWith('HookFunction')) as [string, Resource];
  return hook.Properties.Environment.Variables;
};

/** Does an IAM resource pattern match an ARN? `?` is any one character, `*` any run of them. */
function iamMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\?/g, '.')
    .replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(arn);
}

describe('a two-region deployment', () => {
  it('is one stack a region, each naming its region, the primary deployed after the other', () => {
    const names = synthesized.stacks.map((stack) => [stack.stackName, Token.isUnresolved(stack.region) ? 'the profile’s' : stack.region]);
    expect(names).toStrictEqual([
      ['OktaTokenHook-multi-us-east-1', 'us-east-1'],
      ['OktaTokenHook-multi-us-west-2', 'us-west-2'],
      ['OktaTokenHook-multi-oauth-eu-west-1', 'eu-west-1'],
      ['OktaTokenHook-multi-oauth-us-west-2', 'us-west-2'],
      ['OktaTokenHook-one', 'eu-west-1'],
      ['OktaTokenHook-plain', 'the profile’s'],
      ['OktaTokenHook-rotating', 'the profile’s'],
    ]);
    expect(stacks['OktaTokenHook-multi-us-east-1']!.dependencies).toStrictEqual([stacks['OktaTokenHook-multi-us-west-2']]);
    expect(stacks['OktaTokenHook-multi-oauth-eu-west-1']!.dependencies).toStrictEqual([stacks['OktaTokenHook-multi-oauth-us-west-2']]);
    expect(stacks['OktaTokenHook-multi-us-west-2']!.dependencies).toStrictEqual([]);
  });

  it('holds one global table, in the primary stack, with a replica in the other region, PITR, deletion protection and RETAIN on each', () => {
    const [, table] = onlyResource('OktaTokenHook-multi-us-east-1', 'AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.TableName).toBe('okta-token-hook-multi-patients');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.SSESpecification).toStrictEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.StreamSpecification).toStrictEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const replicas = table.Properties.Replicas as Record<string, unknown>[];
    expect(replicas.map((replica) => replica.Region).sort()).toStrictEqual(['us-east-1', 'us-west-2']);
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    for (const name of ['OktaTokenHook-multi-us-west-2', 'OktaTokenHook-multi-oauth-us-west-2']) {
      expect(resourcesOf(name, 'AWS::DynamoDB::GlobalTable')).toStrictEqual([]);
      expect(resourcesOf(name, 'AWS::DynamoDB::Table')).toStrictEqual([]);
      expect(resourcesOf(name, 'AWS::Backup::BackupPlan')).toStrictEqual([]);
    }
    // The daily backup covers the primary's replica, as it covers the single-region table.
    const [, selection] = onlyResource('OktaTokenHook-multi-us-east-1', 'AWS::Backup::BackupSelection');
    expect(text(selection.Properties.BackupSelection.Resources[0])).toBe('<PatientsTable737B3574.Arn>');
  });

  it('replicates the Basic credential and the user-hash key to the other region, under that region’s data key', () => {
    const primary = 'OktaTokenHook-multi-us-east-1';
    const secrets = resourcesOf(primary, 'AWS::SecretsManager::Secret').map(([, secret]) => [
      secret.Properties.Name,
      secret.Properties.ReplicaRegions,
    ]);
    const replicas = [{ Region: 'us-west-2', KmsKeyId: dataKeyAlias('multi') }];
    expect(secrets).toStrictEqual([
      [replicatedSecretName('multi', 'hook-credential'), replicas],
      // The Okta credential is read by the rotation alone, which runs in the primary region only.
      [undefined, undefined],
      [replicatedSecretName('multi', 'user-hash-key'), replicas],
    ]);
    // The alias the replicas name is the other region's own data key.
    const [, alias] = onlyResource('OktaTokenHook-multi-us-west-2', 'AWS::KMS::Alias');
    const [keyId] = onlyResource('OktaTokenHook-multi-us-west-2', 'AWS::KMS::Key');
    expect(alias.Properties).toStrictEqual({ AliasName: dataKeyAlias('multi'), TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    // Rotation runs in the primary only; the replica follows it.
    expect(resourcesOf(primary, 'AWS::SecretsManager::RotationSchedule')).toHaveLength(1);
    expect(resourcesOf('OktaTokenHook-multi-us-west-2', 'AWS::SecretsManager::Secret')).toStrictEqual([]);
    expect(
      resourcesOf('OktaTokenHook-multi-us-west-2', 'AWS::Lambda::Function').map(([id]) => id.replace(/[0-9A-F]{8}$/, '')),
    ).toStrictEqual(['HookFunction']);
  });

  it('lets the rotation ask each replica region whether the pending version has reached it, and have it encrypted there, nothing more', () => {
    const primary = 'OktaTokenHook-multi-us-east-1';
    const [, rotation] = resourcesOf(primary, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CredentialRotationFunction')) as [
      string,
      Resource,
    ];
    expect(rotation.Properties.Environment.Variables.REPLICA_REGIONS).toBe('us-west-2');
    const inOtherRegions = rotationGrants(primary).filter(({ resources }) =>
      resources.some((resource) => resource.includes(':us-west-2:')),
    );
    expect(inOtherRegions).toStrictEqual([
      {
        actions: ['secretsmanager:DescribeSecret'],
        resources: [`arn:aws:secretsmanager:us-west-2:<AWS::AccountId>:secret:${replicatedSecretName('multi', 'hook-credential')}-??????`],
      },
      // Secrets Manager encrypts each new version there under that region's data key, as the role that wrote it.
      // IAM names a key only by its ARN, unknown here: any key of the region, if it has the alias, through Secrets Manager.
      {
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['arn:aws:kms:us-west-2:<AWS::AccountId>:key/*'],
        conditions: {
          StringEquals: { 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': dataKeyAlias('multi') },
        },
      },
    ]);
    // The resource is every key of the account in the replica region, and no key of the primary's or another account's.
    const keyPattern = (inOtherRegions[1]?.resources[0] ?? '').replace('<AWS::AccountId>', '123456789012');
    const key = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(iamMatches(keyPattern, key)).toBe(true);
    expect(iamMatches(keyPattern, key.replace(':us-west-2:', ':us-east-1:'))).toBe(false);
    expect(iamMatches(keyPattern, key.replace('123456789012', '210987654321'))).toBe(false);
  });

  it("gives the primary's rotation role in its own region exactly what a single region's has", () => {
    const inPrimaryRegion = rotationGrants('OktaTokenHook-multi-us-east-1').filter(
      ({ resources }) => !resources.some((resource) => resource.includes(':us-west-2:')),
    );
    expect(inPrimaryRegion).toStrictEqual(rotationGrants('OktaTokenHook-rotating'));
  });

  it('in OAuth mode replicates only the user-hash key: OAuth needs nothing per region', () => {
    const secrets = resourcesOf('OktaTokenHook-multi-oauth-eu-west-1', 'AWS::SecretsManager::Secret');
    expect(secrets.map(([, secret]) => [secret.Properties.Name, secret.Properties.ReplicaRegions])).toStrictEqual([
      [replicatedSecretName('multi-oauth', 'user-hash-key'), [{ Region: 'us-west-2', KmsKeyId: dataKeyAlias('multi-oauth') }]],
    ]);
    expect(hookEnvironment('OktaTokenHook-multi-oauth-us-west-2')).toMatchObject({
      HOOK_AUTH: 'oauth',
      OAUTH_ISSUER: OAUTH.oauthIssuer,
      USER_HASH_KEY_SECRET_ID: replicatedSecretName('multi-oauth', 'user-hash-key'),
    });
    expect(hookEnvironment('OktaTokenHook-multi-oauth-us-west-2')).not.toHaveProperty('HOOK_SECRET_ID');
  });

  it("lets each region's hook read only its local replica of the table and of each secret", () => {
    const secondary = 'OktaTokenHook-multi-us-west-2';
    const [localKey] = onlyResource(secondary, 'AWS::KMS::Key');
    const replicaArn = (secret: 'hook-credential' | 'user-hash-key') =>
      `arn:aws:secretsmanager:us-west-2:<AWS::AccountId>:secret:${replicatedSecretName('multi', secret)}-??????`;
    expect(hookGrants(secondary)).toStrictEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: expect.stringMatching(/^<HookLogs[0-9A-F]+\.Arn>$/) },
      { actions: ['dynamodb:GetItem'], resource: 'arn:aws:dynamodb:us-west-2:<AWS::AccountId>:table/okta-token-hook-multi-patients' },
      { actions: ['secretsmanager:GetSecretValue'], resource: replicaArn('user-hash-key') },
      { actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], resource: replicaArn('hook-credential') },
      { actions: ['secretsmanager:BatchGetSecretValue'], resource: '*' },
      { actions: ['kms:Decrypt'], resource: `<${localKey}.Arn>` },
    ]);
    // The function asks its own region's Secrets Manager for the replicas by name, and its own region's DynamoDB.
    expect(hookEnvironment(secondary)).toMatchObject({
      PATIENTS_TABLE: 'okta-token-hook-multi-patients',
      HOOK_SECRET_ID: replicatedSecretName('multi', 'hook-credential'),
      USER_HASH_KEY_SECRET_ID: replicatedSecretName('multi', 'user-hash-key'),
    });
    // The primary's hook reads its own table and secrets, by reference, in its own region.
    const [tableId] = onlyResource('OktaTokenHook-multi-us-east-1', 'AWS::DynamoDB::GlobalTable');
    const primaryGrants = hookGrants('OktaTokenHook-multi-us-east-1');
    expect(primaryGrants.find((grant) => grant.actions.includes('dynamodb:GetItem'))?.resource).toBe(`<${tableId}.Arn>`);
    expect(primaryGrants.filter((grant) => grant.resource.includes('secretsmanager')).map((grant) => grant.resource)).toStrictEqual([]);
  });

  it("grants the replica secret's full ARN in its own region and nothing else: same name and suffix, other region", () => {
    const grant = hookGrants('OktaTokenHook-multi-us-west-2').find((each) => each.actions.includes('secretsmanager:DescribeSecret'));
    const pattern = grant?.resource.replace('<AWS::AccountId>', '123456789012') as string;
    const name = replicatedSecretName('multi', 'hook-credential');
    // Secrets Manager gives the primary's secret a six-character suffix, and its replica the same.
    const primaryArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-Ab3dEf`;
    const replicaArn = primaryArn.replace(':us-east-1:', ':us-west-2:');
    expect(iamMatches(pattern, replicaArn)).toBe(true);
    expect(iamMatches(pattern, primaryArn)).toBe(false);
    expect(iamMatches(pattern, `arn:aws:secretsmanager:us-west-2:123456789012:secret:${name}-old-Ab3dEf`)).toBe(false);
    expect(iamMatches(pattern, `arn:aws:secretsmanager:us-west-2:123456789012:secret:${name}`)).toBe(false);
    expect(iamMatches(pattern, replicaArn.replace('123456789012', '210987654321'))).toBe(false);
  });

  it('has one custom domain, with a certificate and an API mapping in each region', () => {
    for (const name of ['OktaTokenHook-multi-us-east-1', 'OktaTokenHook-multi-us-west-2']) {
      const [certificateId, certificate] = onlyResource(name, 'AWS::CertificateManager::Certificate');
      expect(certificate.Properties).toMatchObject({
        DomainName: FRONT_DOOR.domainName,
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: FRONT_DOOR.domainName, HostedZoneId: FRONT_DOOR.hostedZoneId }],
      });
      const [domainId, domain] = onlyResource(name, 'AWS::ApiGatewayV2::DomainName');
      expect(domain.Properties).toMatchObject({
        DomainName: FRONT_DOOR.domainName,
        DomainNameConfigurations: [{ CertificateArn: { Ref: certificateId }, EndpointType: 'REGIONAL' }],
      });
      const [apiId] = onlyResource(name, 'AWS::ApiGatewayV2::Api');
      const [, mapping] = onlyResource(name, 'AWS::ApiGatewayV2::ApiMapping');
      expect(mapping.Properties).toMatchObject({ ApiId: { Ref: apiId }, DomainName: { Ref: domainId }, Stage: '$default' });
    }
  });

  it('has a latency record a region, each with a health check on its own region’s GET /health', () => {
    const records = ['OktaTokenHook-multi-us-east-1', 'OktaTokenHook-multi-us-west-2'].map((name) => {
      const region = stacks[name]!.region;
      const [healthCheckId, healthCheck] = onlyResource(name, 'AWS::Route53::HealthCheck');
      const [apiId] = onlyResource(name, 'AWS::ApiGatewayV2::Api');
      const [domainId] = onlyResource(name, 'AWS::ApiGatewayV2::DomainName');
      expect(healthCheck.Properties.HealthCheckConfig).toMatchObject({
        Type: 'HTTPS',
        FullyQualifiedDomainName: { 'Fn::Join': ['', [{ Ref: apiId }, `.execute-api.${region}.`, { Ref: 'AWS::URLSuffix' }]] },
        Port: 443,
        ResourcePath: HEALTH_PATH,
        RequestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
        FailureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
      });
      const [, record] = onlyResource(name, 'AWS::Route53::RecordSet');
      expect(record.Properties).toStrictEqual({
        HostedZoneId: FRONT_DOOR.hostedZoneId,
        Name: `${FRONT_DOOR.domainName}.`,
        Type: 'CNAME',
        ResourceRecords: [{ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] }],
        TTL: String(LATENCY_RECORD_TTL_SECONDS),
        Region: region,
        SetIdentifier: region,
        HealthCheckId: { Ref: healthCheckId },
      });
      return record.Properties.Name;
    });
    expect(new Set(records).size).toBe(1);
  });

  it('routes GET /health to the same function as the hook, with no authorizer', () => {
    for (const name of ['OktaTokenHook-multi-us-east-1', 'OktaTokenHook-multi-oauth-us-west-2']) {
      const routes = resourcesOf(name, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
      const [integrationId] = onlyResource(name, 'AWS::ApiGatewayV2::Integration');
      expect(routes.map((route) => [route.RouteKey, route.AuthorizationType, text(route.Target)])).toStrictEqual([
        [`POST ${HOOK_PATH}`, 'NONE', `integrations/<${integrationId}>`],
        [`GET ${HEALTH_PATH}`, 'NONE', `integrations/<${integrationId}>`],
      ]);
    }
  });

  it('inverts the drained region’s health check, and only that one', () => {
    const inverted = (name: string) => onlyResource(name, 'AWS::Route53::HealthCheck')[1].Properties.HealthCheckConfig.Inverted;
    expect(inverted('OktaTokenHook-multi-us-west-2')).toBe(true);
    expect(inverted('OktaTokenHook-multi-us-east-1')).toBe(false);
    expect(inverted('OktaTokenHook-multi-oauth-eu-west-1')).toBe(false);
    expect(inverted('OktaTokenHook-multi-oauth-us-west-2')).toBe(false);
  });

  it('outputs the one hook URL for Okta in every region, and each region’s own', () => {
    const outputs = ['OktaTokenHook-multi-us-east-1', 'OktaTokenHook-multi-us-west-2'].map((name) => template(name).Outputs);
    for (const output of outputs) expect(output.HookUrl?.Value).toBe(`https://${FRONT_DOOR.domainName}${HOOK_PATH}`);
    expect(outputs.map((output) => text(output.RegionalHookUrl?.Value))).toStrictEqual([
      expect.stringMatching(/^https:\/\/<Api[0-9A-F]+>\.execute-api\.us-east-1\.<AWS::URLSuffix>\/tokenHook$/),
      expect.stringMatching(/^https:\/\/<Api[0-9A-F]+>\.execute-api\.us-west-2\.<AWS::URLSuffix>\/tokenHook$/),
    ]);
    expect(stacks['OktaTokenHook-multi-us-west-2']!.hookUrl).toBe(`https://${FRONT_DOOR.domainName}${HOOK_PATH}`);
  });

  it('counts silence in the primary only: Okta calls one region at a time, so the other would alarm for ever', () => {
    const noTraffic = (name: string) =>
      resourcesOf(name, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Properties.TreatMissingData === 'breaching');
    expect(noTraffic('OktaTokenHook-multi-us-east-1').map(([, alarm]) => alarm.Properties.AlarmDescription)).toStrictEqual([
      expect.stringContaining("Route 53 sends Okta's calls to another region"),
    ]);
    expect(noTraffic('OktaTokenHook-multi-us-west-2')).toStrictEqual([]);
    expect(noTraffic('OktaTokenHook-plain'), 'a single region keeps its own').toHaveLength(1);
  });

  it('alarms in the primary when a replica lags', () => {
    const alarms = (name: string) =>
      resourcesOf(name, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Properties.MetricName === 'ReplicationLatency');
    const [tableId] = onlyResource('OktaTokenHook-multi-us-east-1', 'AWS::DynamoDB::GlobalTable');
    const [[, alarm] = []] = alarms('OktaTokenHook-multi-us-east-1');
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/DynamoDB',
      Dimensions: [
        { Name: 'ReceivingRegion', Value: 'us-west-2' },
        { Name: 'TableName', Value: { Ref: tableId } },
      ],
      Threshold: REPLICATION_LATENCY_THRESHOLD_MS,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm?.Properties.AlarmActions).toHaveLength(1);
    expect(alarms('OktaTokenHook-multi-us-west-2')).toStrictEqual([]);
    const [alarmId] = alarms('OktaTokenHook-multi-us-east-1')[0] ?? [];
    const [, dashboard] = onlyResource('OktaTokenHook-multi-us-east-1', 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard.Properties.DashboardBody), 'on the dashboard’s alarm widget').toContain(`"${alarmId}"`);
  });
});

describe('moving an existing single-region table to a global table', () => {
  it('holds a global table under the existing name, shaped as the single-region table and RETAINed, as a resource import needs', () => {
    const [, global] = onlyResource('OktaTokenHook-multi-oauth-eu-west-1', 'AWS::DynamoDB::GlobalTable');
    const [, single] = onlyResource('OktaTokenHook-plain', 'AWS::DynamoDB::Table');
    expect(global.Properties.TableName).toBe(EXISTING_TABLE);
    for (const key of ['KeySchema', 'AttributeDefinitions', 'BillingMode'])
      expect(global.Properties[key], key).toStrictEqual(single.Properties[key]);
    expect(single.Properties.SSESpecification).toStrictEqual({ SSEEnabled: true });
    expect(global.Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    for (const replica of global.Properties.Replicas) {
      expect(replica.PointInTimeRecoverySpecification).toStrictEqual(single.Properties.PointInTimeRecoverySpecification);
      expect(replica.DeletionProtectionEnabled).toBe(single.Properties.DeletionProtectionEnabled);
    }
    // CloudFormation imports only a resource with a DeletionPolicy; both keep the table whatever happens to the stack.
    expect([global.DeletionPolicy, global.UpdateReplacePolicy]).toStrictEqual([single.DeletionPolicy, single.UpdateReplacePolicy]);
    expect(hookEnvironment('OktaTokenHook-multi-oauth-us-west-2').PATIENTS_TABLE).toBe(EXISTING_TABLE);
    expect(hookGrants('OktaTokenHook-multi-oauth-us-west-2').find((grant) => grant.actions.includes('dynamodb:GetItem'))?.resource).toBe(
      `arn:aws:dynamodb:us-west-2:<AWS::AccountId>:table/${EXISTING_TABLE}`,
    );
  });
});

describe('a single region', () => {
  it('named in regions is the same one stack, pinned to it, with no global table, custom domain or health route', () => {
    for (const name of ['OktaTokenHook-one', 'OktaTokenHook-plain']) {
      onlyResource(name, 'AWS::DynamoDB::Table');
      for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::Route53::HealthCheck', 'AWS::ApiGatewayV2::DomainName', 'AWS::KMS::Alias']) {
        expect(resourcesOf(name, type), `${type} in ${name}`).toStrictEqual([]);
      }
      expect(resourcesOf(name, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey)).toStrictEqual([
        `POST ${HOOK_PATH}`,
      ]);
      expect(template(name).Outputs).not.toHaveProperty('RegionalHookUrl');
    }
  });
});

describe('cdk-nag', () => {
  /** The cdk-nag rules acknowledged in a stack: where, which, and why. */
  const acknowledgedIn = (stackName: string) =>
    stacks[stackName]!.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path.replace(`${stackName}/`, ''),
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );

  it('finds nothing unacknowledged in any stack of the app, in the AWS Solutions, HIPAA Security and NIST 800-53 rev. 5 packs', () => {
    for (const Pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks]) {
      expect(new Pack().validateScope(synthesized.app)).toStrictEqual({ success: true, violations: [] });
    }
  });

  it('acknowledges only the health route’s missing authorizer beyond what a single-region stack acknowledges', () => {
    const single = acknowledgedIn('OktaTokenHook-plain');
    const secondary = acknowledgedIn('OktaTokenHook-multi-us-west-2');
    const health = secondary.filter((entry) => entry.path === 'Api/Api/GET--health');
    expect(health).toStrictEqual([{ path: 'Api/Api/GET--health', id: 'AwsSolutions-APIG4', reason: HEALTH_NO_AUTHORIZER_REASON }]);
    // The other region holds no secret, table or rotation of its own, so it acknowledges a subset of the rest.
    const key = ({ path, id }: { path: string; id: string }) => `${path} ${id}`;
    expect(secondary.filter((entry) => !health.includes(entry)).map(key)).toStrictEqual(
      single.map(key).filter((entry) => !/^(Backup|Credential|UserHashKey)\//.test(entry)),
    );
  });

  it("acknowledges the wildcard resources of the primary's rotation role one by one: GetRandomPassword's, and each replica region's keys", () => {
    const wildcards = acknowledgedIn('OktaTokenHook-multi-us-east-1').filter(
      ({ path, id }) => path === 'Credential/RotationRole' && id.startsWith('AwsSolutions-IAM5'),
    );
    expect(wildcards.map(({ id, reason }) => [id, reason === REPLICA_KEY_REASON])).toStrictEqual([
      ['AwsSolutions-IAM5[Resource::arn:aws:kms:us-west-2:<AWS::AccountId>:key/*]', true],
      ['AwsSolutions-IAM5[Resource::*]', false],
    ]);
  });

  it('raises no CDK warning or error on any stack', () => {
    for (const stack of synthesized.stacks) {
      const messages = assembly.getStackArtifact(stack.artifactId).messages;
      expect(messages.filter((message) => message.level !== 'info').map((message) => message.entry.data)).toStrictEqual([]);
    }
  });
});

describe('region settings', () => {
  const fromContext = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);

  it('reads regions from -c (a comma-separated string) or cdk.json (a list), with the front door and the drill', () => {
    expect(
      fromContext({
        regions: 'us-east-1, us-west-2',
        primaryRegion: 'us-west-2',
        domainName: 'hook.example.com',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        drainRegion: 'us-east-1',
        patientsTableName: EXISTING_TABLE,
      }),
    ).toStrictEqual({
      stageName: 'dev',
      regions: ['us-east-1', 'us-west-2'],
      primaryRegion: 'us-west-2',
      domainName: 'hook.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      drainRegion: 'us-east-1',
      patientsTableName: EXISTING_TABLE,
    });
    expect(fromContext({ regions: ['eu-west-1', 'eu-central-1'] }).regions).toStrictEqual(['eu-west-1', 'eu-central-1']);
    expect(fromContext({ regions: '' })).toStrictEqual({ stageName: 'dev' });
  });

  it.each([
    [{ regions: 'us-east-1,Oregon' }, /"regions" must be region codes separated by commas/],
    [{ regions: 'us-east-1,us-east-1' }, /"regions" names a region twice/],
    [{ drainRegion: 'us-east-1,us-west-2' }, /"drainRegion" must be a region code/],
    [{ domainName: 'https://hook.example.com' }, /"domainName" must be a host name/],
    [{ hostedZoneId: 'example.com' }, /"hostedZoneId" must be a Route 53 hosted zone id/],
    [{ patientsTableName: 'a' }, /"patientsTableName" must be 3 to 255 of/],
  ])('refuses %j', (context, message) => {
    expect(() => fromContext(context)).toThrow(message);
  });

  it.each([
    [
      { regions: ['us-east-1', 'us-west-2'] },
      /"regions" with two regions or more needs domainName and hostedZoneId; missing: domainName, hostedZoneId/,
    ],
    [{ ...BASIC, drainRegion: 'eu-west-1' }, /"drainRegion" must be one of the regions: us-east-1, us-west-2/],
    [{ ...BASIC, frontDoor: 'functionUrl' }, /"regions" with two regions or more needs frontDoor=httpApi/],
    [{ ...BASIC, primaryRegion: 'eu-west-1' }, /"primaryRegion" must be one of the regions/],
    [{ regions: ['us-east-1'], drainRegion: 'us-east-1' }, /drainRegion need two regions or more/],
    [{ ...FRONT_DOOR }, /domainName, hostedZoneId need two regions or more/],
  ] as [Omit<TokenHookSettings, 'stageName'>, RegExp][])('refuses to synthesize %j', (settings, message) => {
    expect(() => tokenHookApp([{ stageName: 'refused', ...settings }])).toThrow(message);
  });

  it('refuses a stack of several regions that does not name its region, as a region-agnostic stack cannot hold replicas', () => {
    const settings = { ...BASIC, ...stubBundles() };
    expect(() => new TokenHookStack(new App(), 'Agnostic', settings)).toThrow(
      'a stack of a deployment to us-east-1, us-west-2 must name one of those regions in env.region',
    );
    expect(() => new TokenHookStack(new App(), 'Elsewhere', { ...settings, env: { region: 'eu-west-1' } })).toThrow(
      /must name one of those regions/,
    );
  });
});
