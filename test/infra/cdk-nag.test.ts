import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { NO_AUTHORIZER_REASON } from '../../infra/hook-api.ts';
import { BATCH_GET_SECRET_VALUE_REASON } from '../../infra/hook-function.ts';
import { BACKUP_ROLE_REASON } from '../../infra/patients-backup.ts';
import {
  COMPLIANCE_PACKS,
  INLINE_POLICY_REASON,
  NO_DLQ_REASON,
  NO_VPC_REASON,
  ROTATION_CONCURRENCY_REASON,
} from '../../infra/compliance.ts';
import { MANUAL_ROTATION_REASON, OKTA_CREDENTIAL_ROTATION_REASON } from '../../infra/hook-credential.ts';
import { NO_ROTATION_REASON } from '../../infra/user-hash-key.ts';
import { OAUTH, OKTA, tokenHookApp, type Synthesized } from './synth.ts';

// cdk-nag 3 is a policy-validation plugin: it reports into the cloud assembly's validation report and
// fails the synth, not through construct annotations. So the findings are read from the pack itself and
// from the report, and the stacks' messages are checked for any other warning CDK raised.
let synthesized: Synthesized;
let assembly: CloudAssembly;

beforeAll(() => {
  // Both auth modes in one app, synthesized once, Basic with and without the Okta settings (automatic
  // rotation or none). With an alarm email, so the optional SNS topic and the rotation notice are checked
  // too. Synth throws on any finding.
  // CDK's own CloudFormation validation runs here as in `cdk synth`, and its report is checked below.
  synthesized = tokenHookApp(
    [
      { stageName: 'nag', alarmEmail: 'ops@example.com', ...OKTA },
      { ...OAUTH, stageName: 'nag-oauth', alarmEmail: 'ops@example.com' },
      { stageName: 'nag-manual', alarmEmail: 'ops@example.com' },
    ],
    undefined,
    { cloudFormationValidation: true },
  );
  assembly = synthesized.app.synth();
});

describe('cdk-nag AwsSolutions, HIPAA Security and NIST 800-53 rev. 5, in Basic and in OAuth mode', () => {
  it('checks a Basic stack with automatic rotation and its notice, an OAuth stack, and a Basic stack without rotation', () => {
    expect(synthesized.stacks.map((stack) => stack.node.tryFindChild('RotationNotice') !== undefined)).toStrictEqual([true, false, false]);
  });

  it('finds no unacknowledged error or warning in the AWS Solutions, HIPAA Security and NIST 800-53 rev. 5 packs', () => {
    for (const Pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks]) {
      expect(new Pack().validateScope(synthesized.app)).toStrictEqual({ success: true, violations: [] });
    }
  });

  it('runs the three packs on every synth', () => {
    expect(COMPLIANCE_PACKS).toStrictEqual([AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks]);
    const { app, stacks } = tokenHookApp([{ stageName: 'gate' }]);
    // A Lambda function with no DLQ, no VPC, no reserved concurrency and no acknowledgement: HIPAA finds it.
    new LambdaFunction(stacks[0]!, 'Unchecked', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = () => {};'),
    });
    expect(() => app.synth()).toThrow(/HIPAA\.Security-LambdaDLQ/);
  });

  it('acknowledges LambdaConcurrency on the hook only where reservedConcurrency is 0', () => {
    const { app } = tokenHookApp([{ stageName: 'unreserved', reservedConcurrency: 0 }]);
    expect(() => app.synth()).not.toThrow();
    const { app: reserved, stacks } = tokenHookApp([{ stageName: 'reserved' }]);
    reserved.synth();
    const hook = stacks[0]!.node.findChild('Hook').node.findChild('Function');
    expect(JSON.stringify(hook.node.metadata)).not.toContain('LambdaConcurrency');
  });

  it('leaves no violation in the validation report `cdk synth` prints', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toStrictEqual([]);
  });

  it('acknowledges exactly these findings, each where it arises and with a reason that fits the mode', () => {
    const acknowledged = synthesized.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );
    const backupRole = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]';
    // HIPAA Security and NIST 800-53 rev. 5 name their rules alike, and each is acknowledged in both.
    const both = (...rules: string[]) => rules.flatMap((rule) => [`HIPAA.Security-${rule}`, `NIST.800.53.R5-${rule}`]);
    const hookFunction = { 'Hook/Role': both('IAMNoInlinePolicy'), 'Hook/Function': both('LambdaDLQ', 'LambdaInsideVPC') };
    // Basic mode reads its two secrets in one BatchGetSecretValue, which IAM grants only on "*".
    const basicHookFunction = {
      'Hook/Role': [...both('IAMNoInlinePolicy'), 'AwsSolutions-IAM5[Resource::*]'],
      'Hook/Function': hookFunction['Hook/Function'],
    };
    const expected: Record<string, Record<string, string[]>> = {
      'OktaTokenHook-nag': {
        'Backup/Plan/Tables': [backupRole],
        'Credential/OktaCredential': ['AwsSolutions-SMG4', ...both('SecretsManagerRotationEnabled')],
        'Credential/RotationRole': [...both('IAMNoInlinePolicy'), 'AwsSolutions-IAM5[Resource::*]'],
        'Credential/RotationFunction': both('LambdaDLQ', 'LambdaInsideVPC', 'LambdaConcurrency'),
        'UserHashKey/Secret': ['AwsSolutions-SMG4', ...both('SecretsManagerRotationEnabled')],
        ...basicHookFunction,
        'Api/Api/POST--tokenHook': ['AwsSolutions-APIG4'],
      },
      'OktaTokenHook-nag-oauth': {
        'Backup/Plan/Tables': [backupRole],
        'UserHashKey/Secret': ['AwsSolutions-SMG4', ...both('SecretsManagerRotationEnabled')],
        ...hookFunction,
        'Api/Api/POST--tokenHook': ['AwsSolutions-APIG4'],
      },
      'OktaTokenHook-nag-manual': {
        'Backup/Plan/Tables': [backupRole],
        'Credential/Secret': ['AwsSolutions-SMG4', ...both('SecretsManagerRotationEnabled')],
        'UserHashKey/Secret': ['AwsSolutions-SMG4', ...both('SecretsManagerRotationEnabled')],
        ...basicHookFunction,
        'Api/Api/POST--tokenHook': ['AwsSolutions-APIG4'],
      },
    };
    expect(acknowledged.map(({ path, id }) => ({ path, id }))).toStrictEqual(
      Object.entries(expected).flatMap(([stack, constructs]) =>
        Object.entries(constructs).flatMap(([path, ids]) => ids.map((id) => ({ path: `${stack}/${path}`, id }))),
      ),
    );
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(80);
    const reasonAt = (path: string) => acknowledged.find((entry) => entry.path === path)?.reason;
    expect(reasonAt('OktaTokenHook-nag/Api/Api/POST--tokenHook')).toBe(NO_AUTHORIZER_REASON.basic);
    expect(reasonAt('OktaTokenHook-nag-oauth/Api/Api/POST--tokenHook')).toBe(NO_AUTHORIZER_REASON.oauth);
    expect(reasonAt('OktaTokenHook-nag/UserHashKey/Secret')).toBe(NO_ROTATION_REASON);
    expect(reasonAt('OktaTokenHook-nag/Backup/Plan/Tables')).toBe(BACKUP_ROLE_REASON);
    expect(reasonAt('OktaTokenHook-nag-oauth/UserHashKey/Secret')).toBe(NO_ROTATION_REASON);
    // The Basic credential rotates only where Okta can be updated; the Okta credential is Okta's to rotate.
    expect(reasonAt('OktaTokenHook-nag-manual/Credential/Secret')).toBe(MANUAL_ROTATION_REASON);
    expect(reasonAt('OktaTokenHook-nag/Credential/OktaCredential')).toBe(OKTA_CREDENTIAL_ROTATION_REASON);
    const reasonOf = (path: string, id: string) => acknowledged.find((entry) => entry.path === path && entry.id === id)?.reason;
    for (const stack of ['nag', 'nag-oauth', 'nag-manual']) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        expect(reasonOf(`OktaTokenHook-${stack}/Hook/Function`, `${pack}-LambdaDLQ`)).toBe(NO_DLQ_REASON);
        expect(reasonOf(`OktaTokenHook-${stack}/Hook/Function`, `${pack}-LambdaInsideVPC`)).toBe(NO_VPC_REASON);
        expect(reasonOf(`OktaTokenHook-${stack}/Hook/Role`, `${pack}-IAMNoInlinePolicy`)).toBe(INLINE_POLICY_REASON);
        expect(reasonOf(`OktaTokenHook-${stack}/UserHashKey/Secret`, `${pack}-SecretsManagerRotationEnabled`)).toBe(NO_ROTATION_REASON);
      }
    }
    expect(reasonOf('OktaTokenHook-nag/Credential/RotationFunction', 'HIPAA.Security-LambdaConcurrency')).toBe(ROTATION_CONCURRENCY_REASON);
    for (const stack of ['nag', 'nag-manual']) {
      expect(reasonOf(`OktaTokenHook-${stack}/Hook/Role`, 'AwsSolutions-IAM5[Resource::*]')).toBe(BATCH_GET_SECRET_VALUE_REASON);
    }
    expect(BATCH_GET_SECRET_VALUE_REASON).toMatch(/no resource type.*GetSecretValue for each secret/s);
    expect(reasonOf('OktaTokenHook-nag-manual/Credential/Secret', 'NIST.800.53.R5-SecretsManagerRotationEnabled')).toBe(
      MANUAL_ROTATION_REASON,
    );
    expect(MANUAL_ROTATION_REASON).toMatch(/Okta keeps sending the old one.*401/s);
    expect(NO_ROTATION_REASON).toMatch(/grants no access.*correlat/s);
    expect(NO_AUTHORIZER_REASON.basic).toMatch(/Basic credential/);
    expect(NO_AUTHORIZER_REASON.oauth).toMatch(/access token.*verifies itself.*JWT authorizer/);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const { app, stacks } = tokenHookApp([{ stageName: 'gate' }]);
    new Topic(stacks[0]!, 'TopicWithoutTls');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});

describe('annotations', () => {
  // The messages Annotations.fromStack would read, from the assembly already made: Annotations synthesizes
  // the whole app again, CloudFormation validation included, for each stack it is asked about.
  it('has no CDK warning or error on either stack', () => {
    for (const stack of synthesized.stacks) {
      const { messages } = assembly.getStackArtifact(stack.artifactId);
      expect(messages.filter(({ level }) => level === 'error' || level === 'warning')).toStrictEqual([]);
    }
  });
});
