import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { NO_AUTHORIZER_REASON } from '../../infra/hook-api.ts';
import { BACKUP_ROLE_REASON } from '../../infra/patients-backup.ts';
import { MANUAL_ROTATION_REASON, OKTA_CREDENTIAL_ROTATION_REASON } from '../../infra/hook-credential.ts';
import { NO_ROTATION_REASON } from '../../infra/user-hash-key.ts';
import { OAUTH, OKTA, tokenHookApp, type Synthesized } from './synth.ts';

// cdk-nag 3 is a policy-validation plugin: it reports into the cloud assembly's validation report and
// fails the synth, not through construct annotations. So the findings are read from the pack itself and
// from the report, and `Annotations` is checked for any other warning CDK raised.
let synthesized: Synthesized;
let assembly: CloudAssembly;

beforeAll(() => {
  // Both auth modes in one app, synthesized once, Basic with and without the Okta settings (automatic
  // rotation or none). With an alarm email, so the optional SNS topic and the rotation notice are checked
  // too. Synth throws on any finding.
  synthesized = tokenHookApp([
    { stageName: 'nag', alarmEmail: 'ops@example.com', ...OKTA },
    { ...OAUTH, stageName: 'nag-oauth', alarmEmail: 'ops@example.com' },
    { stageName: 'nag-manual', alarmEmail: 'ops@example.com' },
  ]);
  assembly = synthesized.app.synth();
});

describe('cdk-nag AwsSolutions, in Basic and in OAuth mode', () => {
  it('checks a Basic stack with automatic rotation and its notice, an OAuth stack, and a Basic stack without rotation', () => {
    expect(synthesized.stacks.map((stack) => stack.node.tryFindChild('RotationNotice') !== undefined)).toStrictEqual([true, false, false]);
  });

  it('finds no unacknowledged error or warning', () => {
    expect(new AwsSolutionsChecks().validateScope(synthesized.app)).toStrictEqual({ success: true, violations: [] });
  });

  it('leaves no violation in the validation report `cdk synth` prints', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toStrictEqual([]);
  });

  it('acknowledges exactly these findings, each where it arises and with a reason that fits the mode', () => {
    const acknowledged = synthesized.app.node
      .findAll()
      .flatMap((construct) =>
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
    expect(acknowledged.map(({ path, id }) => ({ path, id }))).toStrictEqual([
      { path: 'OktaTokenHook-nag/Backup/Plan/Tables', id: backupRole },
      { path: 'OktaTokenHook-nag/Credential/OktaCredential', id: 'AwsSolutions-SMG4' },
      { path: 'OktaTokenHook-nag/Credential/RotationRole', id: 'AwsSolutions-IAM5[Resource::*]' },
      { path: 'OktaTokenHook-nag/UserHashKey/Secret', id: 'AwsSolutions-SMG4' },
      { path: 'OktaTokenHook-nag/Api/Api/POST--tokenHook', id: 'AwsSolutions-APIG4' },
      { path: 'OktaTokenHook-nag-oauth/Backup/Plan/Tables', id: backupRole },
      { path: 'OktaTokenHook-nag-oauth/UserHashKey/Secret', id: 'AwsSolutions-SMG4' },
      { path: 'OktaTokenHook-nag-oauth/Api/Api/POST--tokenHook', id: 'AwsSolutions-APIG4' },
      { path: 'OktaTokenHook-nag-manual/Backup/Plan/Tables', id: backupRole },
      { path: 'OktaTokenHook-nag-manual/Credential/Secret', id: 'AwsSolutions-SMG4' },
      { path: 'OktaTokenHook-nag-manual/UserHashKey/Secret', id: 'AwsSolutions-SMG4' },
      { path: 'OktaTokenHook-nag-manual/Api/Api/POST--tokenHook', id: 'AwsSolutions-APIG4' },
    ]);
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
  it('has no CDK warning or error on either stack', () => {
    for (const stack of synthesized.stacks) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue())).toStrictEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toStrictEqual([]);
    }
  });
});
