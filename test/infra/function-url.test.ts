import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { settingsFromContext, SettingsError } from '../../infra/settings.ts';
import { App } from 'aws-cdk-lib';
import { OAUTH, tokenHookApp, type Synthesized } from './synth.ts';

let synthesized: Synthesized;
let template: Template;

beforeAll(() => {
  synthesized = tokenHookApp([
    { stageName: 'url', frontDoor: 'functionUrl', alarmEmail: 'ops@example.com' },
    { ...OAUTH, stageName: 'url-oauth', frontDoor: 'functionUrl' },
  ]);
  template = Template.fromStack(synthesized.stacks[0]!);
});

describe('frontDoor=functionUrl', () => {
  it('puts a function URL with auth type NONE in front of the hook, and no HTTP API, stage or access log', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HookFunction'), 'Arn'] },
    });
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Route'])
      template.resourceCountIs(type, 0);
    expect(Object.keys(template.findOutputs('ApiAccessLogGroupName'))).toStrictEqual([]);
  });

  it('lets anyone invoke the function through its URL only, and nothing else: the hook checks the caller itself', () => {
    // Both permissions a function URL needs, each only through the URL.
    expect(
      Object.values(template.findResources('AWS::Lambda::Permission')).map(({ Properties: { FunctionName: _, ...rest } }) => rest),
    ).toStrictEqual([
      { Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE', Principal: '*' },
      { Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true, Principal: '*' },
    ]);
  });

  it('names the hook URL in the HookUrl output: the function URL and the hook path', () => {
    const urlId = Object.keys(template.findResources('AWS::Lambda::Url'))[0];
    expect(template.findOutputs('HookUrl').HookUrl?.Value).toStrictEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'tokenHook']],
    });
  });

  it('keeps the function and outcome alarms and leaves out the API ones, which have no API to watch', () => {
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.some((id) => id.startsWith('AlarmsStoreFailures'))).toBe(true);
    expect(alarms.some((id) => id.startsWith('AlarmsErrors'))).toBe(true);
    expect(alarms.filter((id) => /^AlarmsApi/.test(id))).toStrictEqual([]);
  });

  it('passes the AWS Solutions, HIPAA Security and NIST 800-53 rev. 5 packs, in Basic and in OAuth mode', () => {
    for (const Pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks]) {
      expect(new Pack().validateScope(synthesized.app)).toStrictEqual({ success: true, violations: [] });
    }
  });

  it('is a setting of its own: httpApi by default, functionUrl on request, nothing else', () => {
    const context = (frontDoor?: string) => new App({ context: { stage: 'dev', ...(frontDoor ? { frontDoor } : {}) } }).node;
    expect(settingsFromContext(context()).frontDoor).toBeUndefined();
    expect(settingsFromContext(context('functionUrl')).frontDoor).toBe('functionUrl');
    expect(() => settingsFromContext(context('alb'))).toThrow(new SettingsError('context "frontDoor" must be one of httpApi, functionUrl'));
    const defaultStack = Template.fromStack(tokenHookApp([{ stageName: 'api' }]).stacks[0]!);
    defaultStack.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    defaultStack.resourceCountIs('AWS::Lambda::Url', 0);
  });
});
