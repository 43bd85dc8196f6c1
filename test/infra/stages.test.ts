import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lambda/config.ts';
import { DEFAULT_SETTINGS, settingsFromContext } from '../../infra/settings.ts';
import { TokenHookStack } from '../../infra/token-hook-stack.ts';
import { cdkJsonContext, OKTA, stubBundles, tokenHookApp } from './synth.ts';

// Two stages in one app, the second with every setting changed: synthesized once for this file.
let dev: Template;
let prod: Template;
let stackNames: string[];

beforeAll(() => {
  const { stacks } = tokenHookApp([
    { stageName: 'dev' },
    {
      stageName: 'prod',
      claimName: 'patient_id',
      claimTokens: 'both',
      failureMode: 'closed',
      throttleRateLimit: 10,
      throttleBurstLimit: 20,
      ...OKTA,
      rotationDays: 7,
      rotationGraceHours: 48,
      maxEventAgeSeconds: 300,
      alarmEmail: 'ops@example.com',
      logRetention: 365,
    },
  ]);
  stackNames = stacks.map((stack) => stack.stackName);
  dev = Template.fromStack(stacks[0]!);
  prod = Template.fromStack(stacks[1]!);
});

describe('two stages', () => {
  it('deploy as two stacks named after the stage', () => {
    expect(stackNames).toStrictEqual(['OktaTokenHook-dev', 'OktaTokenHook-prod']);
  });

  it('set no physical name that could clash between them', () => {
    const physicalNames = ['TableName', 'FunctionName', 'RoleName', 'LogGroupName', 'TopicName', 'AlarmName', 'Name'];
    for (const template of [dev, prod]) {
      const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      for (const [id, resource] of Object.entries(resources)) {
        // A literal name is a clash waiting to happen; a reference (Ref, GetAtt) names another resource.
        const named = physicalNames.filter((key) => typeof resource.Properties?.[key] === 'string');
        if (resource.Type === 'AWS::ApiGatewayV2::Api') expect(named, id).toStrictEqual(['Name']);
        else expect(named, `${id} (${resource.Type})`).toStrictEqual([]);
      }
    }
    dev.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'okta-token-hook-dev' });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'okta-token-hook-prod' });
  });

  it('take their own claim, tokens, failure policy, replay window, throttling, rotation and retention', () => {
    prod.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 2,
      Environment: {
        Variables: {
          CLAIM_NAME: 'patient_id',
          CLAIM_TOKENS: 'both',
          FAILURE_MODE: 'closed',
          ROTATION_GRACE_HOURS: '48',
          MAX_EVENT_AGE_SECONDS: '300',
        },
      },
    });
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 2,
      Environment: { Variables: Match.objectLike({ ROTATION_GRACE_HOURS: '24', MAX_EVENT_AGE_SECONDS: Match.absent() }) },
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    prod.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    // Without the Okta settings nothing rotates: a rotation Okta does not learn of would lock it out.
    dev.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    prod.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    // Reserved concurrency follows the stage's throttling: 10 a second for the 1 s a request may take.
    prod.hasResourceProperties('AWS::Lambda::Function', { Timeout: 2, ReservedConcurrentExecutions: 10 });
  });

  it('each have one alarm topic that every alarm notifies, on alarm and on recovery, an email address or not', () => {
    for (const template of [dev, prod]) {
      template.resourceCountIs('AWS::SNS::Topic', 1);
      const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toStrictEqual([{ Ref: topic }]);
        expect(alarm.Properties.OKActions).toStrictEqual([{ Ref: topic }]);
      }
    }
    dev.resourceCountIs('AWS::SNS::Subscription', 0);
    prod.resourceCountIs('AWS::SNS::Subscription', 1);
  });

  it('announce every rotation on the alarm topic where one is scheduled, with the stage and its grace period', () => {
    // Only a stage that rotates (prod has the Okta settings) announces rotations.
    dev.resourceCountIs('AWS::Events::Rule', 0);
    prod.resourceCountIs('AWS::Events::Rule', 1);
    const rule = Object.values(prod.findResources('AWS::Events::Rule'))[0]!;
    const text = JSON.stringify(rule.Properties.Targets[0].InputTransformer.InputTemplate);
    expect(text).toContain('(stage prod)');
    expect(text).toContain('for 48 hours after the rotation');
    expect(text).toContain('Okta was updated automatically');
  });
});

describe('settings from context', () => {
  const fromContext = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);

  it('cdk.json holds the same defaults as the stack', () => {
    expect(fromContext(cdkJsonContext())).toStrictEqual({
      stageName: 'dev',
      userKey: DEFAULT_SETTINGS.userKey,
      patientIdPattern: DEFAULT_SETTINGS.patientIdPattern,
      claimName: DEFAULT_SETTINGS.claimName,
      claimTokens: DEFAULT_SETTINGS.claimTokens,
      failureMode: DEFAULT_SETTINGS.failureMode,
      throttleRateLimit: DEFAULT_SETTINGS.throttleRateLimit,
      throttleBurstLimit: DEFAULT_SETTINGS.throttleBurstLimit,
      authMode: DEFAULT_SETTINGS.authMode,
      oktaAuth: DEFAULT_SETTINGS.oktaAuth,
      rotationDays: DEFAULT_SETTINGS.rotationDays,
      rotationGraceHours: DEFAULT_SETTINGS.rotationGraceHours,
      logRetention: DEFAULT_SETTINGS.logRetention,
      backupRetentionDays: DEFAULT_SETTINGS.backupRetentionDays,
      noTrafficAlarmHours: DEFAULT_SETTINGS.noTrafficAlarmHours,
      frontDoor: DEFAULT_SETTINGS.frontDoor,
    });
  });

  it("the default grace period is the function's own", () => {
    expect(loadConfig({ PATIENTS_TABLE: 't', HOOK_SECRET_ID: 's' }).rotationGraceHours).toBe(DEFAULT_SETTINGS.rotationGraceHours);
  });

  it('reads -c values, which arrive as strings', () => {
    expect(
      fromContext({
        stage: 'prod',
        userKey: 'oktaId',
        keyMigration: 'true',
        patientIdPattern: 'P[0-9]{6}',
        claimTokens: 'access',
        failureMode: 'closed',
        throttleRateLimit: '25',
        throttleBurstLimit: '40',
        alarmEmail: 'ops@example.com',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-paging',
        noTrafficAlarmHours: '6',
        reservedConcurrency: '0',
        rotationDays: '14',
        rotationGraceHours: '12.5',
        maxEventAgeSeconds: '300',
        logRetentionDays: '30',
        authMode: 'oauth',
        oauthIssuer: ' https://example.okta.com/oauth2/aus1hookcalls ',
        oauthAudience: 'api://patient-token-hook',
        oauthScope: 'patient.hook',
        oauthClientId: '0oa1hookclient',
      }),
    ).toStrictEqual({
      stageName: 'prod',
      userKey: 'oktaId',
      keyMigration: true,
      patientIdPattern: 'P[0-9]{6}',
      claimTokens: 'access',
      failureMode: 'closed',
      throttleRateLimit: 25,
      throttleBurstLimit: 40,
      alarmEmail: 'ops@example.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-paging',
      noTrafficAlarmHours: 6,
      reservedConcurrency: 0,
      rotationDays: 14,
      rotationGraceHours: 12.5,
      maxEventAgeSeconds: 300,
      logRetention: 30,
      authMode: 'oauth',
      oauthIssuer: 'https://example.okta.com/oauth2/aus1hookcalls',
      oauthAudience: 'api://patient-token-hook',
      oauthScope: 'patient.hook',
      oauthClientId: '0oa1hookclient',
    });
  });

  it.each([
    [{ stage: 'prod_eu' }, /"stage"/],
    [{ claimTokens: 'all' }, /"claimTokens" must be one of id, access, both/],
    [{ failureMode: 'maybe' }, /"failureMode" must be one of open, closed/],
    [{ throttleRateLimit: 'fast' }, /"throttleRateLimit" must be a whole number/],
    [{ rotationDays: '0' }, /"rotationDays" must be a whole number from 1 to 365/],
    [{ logRetentionDays: '45' }, /"logRetentionDays" must be a CloudWatch Logs retention/],
    [{ alarmEmail: 'ops' }, /"alarmEmail" must be an email address/],
    [{ authMode: 'jwt' }, /"authMode" must be one of basic, oauth/],
    [{ userKey: 'email' }, /"userKey" must be one of login, oktaId/],
    [{ keyMigration: 'yes' }, /"keyMigration" must be true or false/],
    [{ rotationGraceHours: '721' }, /"rotationGraceHours" must be a number of hours from 0 to 720/],
    [{ rotationGraceHours: 'a day' }, /"rotationGraceHours" must be a number of hours/],
    [{ maxEventAgeSeconds: '0' }, /"maxEventAgeSeconds" must be a whole number from 1 to 86400/],
    [{ alarmTopicArn: 'ops-paging' }, /"alarmTopicArn" must be an SNS topic ARN/],
    [{ noTrafficAlarmHours: '48' }, /"noTrafficAlarmHours" must be a whole number from 0 to 24/],
    [{ reservedConcurrency: '-1' }, /"reservedConcurrency" must be a whole number from 0 to 10000/],
  ])('refuses %j', (context, message) => {
    expect(() => fromContext(context)).toThrow(message);
  });

  it('refuses to synthesize stage prod without alarmEmail or alarmTopicArn, naming both', () => {
    expect(() => tokenHookApp([{ stageName: 'prod' }])).toThrow(
      /stage "prod" needs somewhere to send its alarms: set alarmEmail or alarmTopicArn/,
    );
    expect(() => fromContext({ ...cdkJsonContext(), stage: 'prod' })).not.toThrow();
    expect(() => tokenHookApp([fromContext({ ...cdkJsonContext(), stage: 'prod' })])).toThrow(/alarmEmail or alarmTopicArn/);
  });

  it('refuses at synth a patient id pattern that is not a regular expression, naming the setting', () => {
    expect(() => new TokenHookStack(new App(), 'Pattern', { stageName: 'x', patientIdPattern: '[0-9', ...stubBundles() })).toThrow(
      'PATIENT_ID_PATTERN must be a regular expression, e.g. [A-Za-z0-9._-]{1,64} (setting "patientIdPattern")',
    );
  });

  it('refuses at synth a claim name Okta reserves, as the function would at start-up', () => {
    expect(() => new TokenHookStack(new App(), 'Reserved', { stageName: 'x', claimName: 'sub', ...stubBundles() })).toThrow(
      'CLAIM_NAME "sub" is reserved by Okta in the id token',
    );
  });
});

describe('cdk.json', () => {
  it('carries every feature flag cdk init writes for this aws-cdk-lib', () => {
    const recommended = JSON.parse(
      readFileSync(new URL('../../node_modules/aws-cdk-lib/recommended-feature-flags.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    expect(cdkJsonContext()).toMatchObject(recommended);
  });

  it('runs the app with tsx', () => {
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { app: string };
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
  });
});

describe('alarm settings', () => {
  const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ops-paging';

  it('with alarmTopicArn, stage prod synthesizes with no topic of its own and every alarm notifies that topic', () => {
    const { stacks } = tokenHookApp([{ ...OKTA, stageName: 'prod', alarmTopicArn: TOPIC_ARN }]);
    const template = Template.fromStack(stacks[0]!);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toStrictEqual([TOPIC_ARN]);
      expect(alarm.Properties.OKActions).toStrictEqual([TOPIC_ARN]);
    }
    // The rotation notice goes there too.
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: TOPIC_ARN })] });
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toBe(TOPIC_ARN);
  });

  it('subscribes alarmEmail to the topic of alarmTopicArn', () => {
    const { stacks } = tokenHookApp([{ stageName: 'prod', alarmTopicArn: TOPIC_ARN, alarmEmail: 'ops@example.com' }]);
    Template.fromStack(stacks[0]!).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: TOPIC_ARN,
    });
  });

  it('noTrafficAlarmHours sets the NoTraffic window, and 0 leaves the alarm out', () => {
    const { stacks } = tokenHookApp([
      { stageName: 'quiet', noTrafficAlarmHours: 0 },
      { stageName: 'busy', noTrafficAlarmHours: 6 },
    ]);
    const [quiet, busy] = stacks.map((stack) => Template.fromStack(stack));
    quiet!.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { TreatMissingData: 'breaching' }, 0);
    busy!.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Period: 6 * 3600 }) })]),
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('reservedConcurrency 0 reserves nothing; a number reserves that many', () => {
    const { stacks } = tokenHookApp([
      { stageName: 'shared', reservedConcurrency: 0 },
      { stageName: 'fixed', reservedConcurrency: 25 },
    ]);
    const [shared, fixed] = stacks.map((stack) => Template.fromStack(stack));
    shared!.hasResourceProperties('AWS::Lambda::Function', { Timeout: 2, ReservedConcurrentExecutions: Match.absent() });
    fixed!.hasResourceProperties('AWS::Lambda::Function', { Timeout: 2, ReservedConcurrentExecutions: 25 });
  });
});
