import { CfnOutput, type Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BUNDLE_DIR, ROTATION_BUNDLE_DIR } from './bundles.ts';
import { DataKey } from './data-key.ts';
import { HookAlarms } from './hook-alarms.ts';
import { HookApi } from './hook-api.ts';
import { HookFunctionUrl } from './hook-function-url.ts';
import { HookDashboard } from './hook-dashboard.ts';
import { HookCredential } from './hook-credential.ts';
import { DEFAULT_HOOK_PATH } from '../lambda/config.ts';
import { HookFunction, type SecretReference } from './hook-function.ts';
import { TABLE_KEY_ATTRIBUTE, type UserKeyKind } from '../lambda/core/patient-record.ts';
import { stageMetricsNamespace } from '../lambda/observability.ts';
import { PatientsBackup } from './patients-backup.ts';
import { GlobalPatientsTable, PatientsTable } from './patients-table.ts';
import { RegionalFrontDoor } from './regional-front-door.ts';
import { ReplicationAlarms } from './replication-alarm.ts';
import {
  dataKeyAlias,
  defaultPatientsTableName,
  replicaArn,
  type RegionalDeployment,
  type ReplicatedSecret,
  regionalDeployment,
  replicaRegionsOf,
  replicatedSecretName,
  type SecretReplication,
} from './regions.ts';
import { RotationNotice } from './rotation-notice.ts';
import { type ResolvedSettings, resolveSettings, type TokenHookSettings } from './settings.ts';
import { UserHashKey } from './user-hash-key.ts';

export interface TokenHookStackProps extends StackProps, TokenHookSettings {
  /** The directory holding the hook's `index.mjs`. Default: what `npm run build` writes, dist/lambda. */
  hookBundleDir?: string;
  /** The directory holding the rotation function's `index.mjs`. Default: dist/rotation. */
  rotationBundleDir?: string;
}

/** The stack name of a stage; the stage is in it, so stages deploy side by side. */
export function tokenHookStackName(stageName: string): string {
  return `OktaTokenHook-${stageName}`;
}

/** Several regions: the stack name of a stage in one region. */
export function regionalStackName(stageName: string, region: string): string {
  return `${tokenHookStackName(stageName)}-${region}`;
}

/**
 * Everything the Okta token inline hook needs in one account and region: the patients table, the key of
 * the user hash in the logs, the Basic credential (Basic mode only) with, given the Okta settings, its
 * rotation that updates Okta and the notice of each rotation, the function, its front door (the HTTP API
 * or a function URL), the alarms, their topic and a dashboard. Physical names are set only where a name
 * must be known (the access log group under /aws/vendedlogs/, the dashboard), each with the stage in it;
 * CloudFormation derives every other, unique for every stage. With several regions, one such stack a
 * region behind the HTTP API (docs/regions.md); there the global table, the replicated secrets and the
 * data key's alias are named too, as each region finds its replica by name.
 */
export class TokenHookStack extends Stack {
  readonly hookUrl: string;

  constructor(scope: Construct, id: string, props: TokenHookStackProps) {
    super(scope, id, {
      description: `Okta token inline hook that adds a patient id claim (stage ${props.stageName})`,
      ...stackPropsOf(props),
    });
    const settings = resolveSettings(props);
    Tags.of(this).add('project', 'okta-token-hook');
    Tags.of(this).add('stage', settings.stageName);
    // Several regions (docs/regions.md): the primary's stack holds what every region shares, with its
    // replicas; the others read their local replicas.
    const deployment = regionalDeployment(settings, props.env?.region);
    const holdsSharedData = deployment === undefined || deployment.region === deployment.primaryRegion;
    const replication = (secret: ReplicatedSecret): SecretReplication | undefined =>
      deployment && {
        secretName: replicatedSecretName(settings.stageName, secret),
        regions: replicaRegionsOf(deployment),
        keyAlias: dataKeyAlias(settings.stageName),
      };

    // What the stack keeps at rest outside the table (secrets, logs, the alarm topic) is encrypted with it.
    const dataKey = new DataKey(this, 'DataKey', {
      stageName: settings.stageName,
      ...(deployment ? { alias: dataKeyAlias(settings.stageName) } : {}),
    });
    const { table, otherTable, backup } = holdsSharedData ? this.patientsTables(settings, deployment) : { table: undefined };
    const readTable = table ?? Table.fromTableName(this, 'PatientsReplica', (deployment as RegionalDeployment).patientsTableName);
    // OAuth mode: no shared secret at all, so nothing to store, rotate or hand to Okta.
    const credential =
      settings.authMode === 'basic' && holdsSharedData
        ? new HookCredential(this, 'Credential', {
            rotationBundleDir: props.rotationBundleDir ?? ROTATION_BUNDLE_DIR,
            encryptionKey: dataKey.key,
            rotationDays: settings.rotationDays,
            logRetention: settings.logRetention,
            ...(settings.oktaOrgUrl && settings.oktaHookId
              ? { okta: { orgUrl: settings.oktaOrgUrl, hookId: settings.oktaHookId, auth: settings.oktaAuth } }
              : {}),
            ...withReplication(replication('hook-credential')),
          })
        : undefined;
    // Both modes: the key that keeps logins out of the logs' user hashes.
    const userHashKey = holdsSharedData
      ? new UserHashKey(this, 'UserHashKey', { encryptionKey: dataKey.key, ...withReplication(replication('user-hash-key')) })
      : undefined;
    // A secret of this stack by its ARN; another region's by its local replica's name.
    const secretOf = (own: { secretArn: string } | undefined, secret: ReplicatedSecret): SecretReference => {
      if (own) return { secretId: own.secretArn, arn: own.secretArn };
      const name = replicatedSecretName(settings.stageName, secret);
      return { secretId: name, arn: replicaArn(this, name) };
    };
    const metricsNamespace = stageMetricsNamespace(settings.stageName);
    const hook = new HookFunction(this, 'Hook', {
      encryptionKey: dataKey.key,
      metricsNamespace,
      bundleDir: props.hookBundleDir ?? BUNDLE_DIR,
      table: readTable,
      auth:
        settings.authMode === 'basic'
          ? { mode: 'basic', secret: secretOf(credential?.secret, 'hook-credential'), rotationGraceHours: settings.rotationGraceHours }
          : {
              mode: 'oauth',
              issuer: settings.oauthIssuer,
              audience: settings.oauthAudience,
              scope: settings.oauthScope,
              clientId: settings.oauthClientId,
            },
      userKey: settings.userKey,
      patientIdPattern: settings.patientIdPattern,
      claimName: settings.claimName,
      claimTokens: settings.claimTokens,
      failureMode: settings.failureMode,
      ...(settings.maxEventAgeSeconds === undefined ? {} : { maxEventAgeSeconds: settings.maxEventAgeSeconds }),
      userHashKey: secretOf(userHashKey?.secret, 'user-hash-key'),
      logRetention: settings.logRetention,
      reservedConcurrency: settings.reservedConcurrency,
    });
    // The front door: the HTTP API (throttling at the edge, an access log) or, for the lowest cost, a function URL.
    const api =
      settings.frontDoor === 'httpApi'
        ? new HookApi(this, 'Api', {
            encryptionKey: dataKey.key,
            stageName: settings.stageName,
            metricsNamespace,
            authMode: settings.authMode,
            hookFunction: hook.function,
            hookPath: DEFAULT_HOOK_PATH,
            throttleRateLimit: settings.throttleRateLimit,
            throttleBurstLimit: settings.throttleBurstLimit,
            logRetention: settings.logRetention,
            healthRoute: deployment !== undefined,
          })
        : undefined;
    const frontDoor =
      api ??
      new HookFunctionUrl(this, 'FunctionUrl', { hookFunction: hook.function, hookPath: DEFAULT_HOOK_PATH, authMode: settings.authMode });
    // Several regions: settings refuse a function URL there, so the API is what each regional domain maps.
    const regionalFrontDoor = deployment && api && new RegionalFrontDoor(this, 'FrontDoor', { deployment, api: api.api, stage: api.stage });
    const apiMetrics = api ? { stage: api.stage, throttled: (period: Duration) => api.metricThrottled(period) } : undefined;
    const alarms = new HookAlarms(this, 'Alarms', {
      encryptionKey: dataKey.key,
      hookFunction: hook.function,
      metricsNamespace,
      ...(apiMetrics ? { api: apiMetrics } : {}),
      ...(credential?.rotationFunction ? { rotationFunction: credential.rotationFunction } : {}),
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
      // Several regions: Okta's calls reach one region at a time (the one nearest Okta's resolver), so only
      // the primary counts silence, and its NoTraffic also tells when Route 53 moved them away.
      noTrafficAlarmHours: holdsSharedData ? settings.noTrafficAlarmHours : 0,
      otherRegionsServe: deployment !== undefined,
    });
    const replicationAlarms =
      deployment && table
        ? new ReplicationAlarms(this, 'ReplicationAlarms', { table, replicaRegions: replicaRegionsOf(deployment), topic: alarms.topic })
        : undefined;
    const dashboard = new HookDashboard(this, 'Dashboard', {
      hookFunction: hook.function,
      metricsNamespace,
      ...(apiMetrics ? { api: apiMetrics } : {}),
      alarms: [...alarms.alarms, ...(replicationAlarms?.alarms ?? [])],
    });
    if (credential?.rotationFunction) {
      // A rotation updates Okta itself; the operator hears of each one (a failed one raises RotationErrors).
      new RotationNotice(this, 'RotationNotice', {
        secret: credential.secret,
        topic: alarms.topic,
        rotationGraceHours: settings.rotationGraceHours,
        stageName: settings.stageName,
      });
    }
    this.hookUrl = deployment ? `https://${deployment.domainName}${DEFAULT_HOOK_PATH}` : frontDoor.hookUrl;

    new CfnOutput(this, 'HookUrl', {
      description: deployment
        ? 'Okta: Workflow > Inline Hooks > Add Inline Hook > Token > URL; the same in every region, Route 53 picks the region'
        : 'Okta: Workflow > Inline Hooks > Add Inline Hook > Token > URL',
      value: this.hookUrl,
    });
    if (regionalFrontDoor) {
      new CfnOutput(this, 'RegionalHookUrl', {
        description: `This region's own URL (${this.region}), past Route 53: for trying one region, never for Okta`,
        value: frontDoor.hookUrl,
      });
      new CfnOutput(this, 'HealthCheckId', {
        description: 'The Route 53 health check of this region: aws route53 get-health-check-status --health-check-id <id>',
        value: regionalFrontDoor.healthCheck.healthCheckId,
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard: answers by reason, latency, cold starts, failures, throttles',
      value: dashboard.url,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'The SNS topic every alarm and the rotation notice go to',
      value: alarms.topic.topicArn,
    });
    new CfnOutput(this, 'HookLogGroupName', {
      description: 'The hook function logs: aws logs tail <name> --follow --format short',
      value: hook.logGroup.logGroupName,
    });
    if (api) {
      new CfnOutput(this, 'ApiAccessLogGroupName', {
        description: "The HTTP API's access log: one line a request; its requestId is the apiRequestId of the function's line",
        value: api.accessLogs.logGroupName,
      });
    }
    if (credential?.logGroup) {
      new CfnOutput(this, 'RotationLogGroupName', {
        description: 'The rotation function logs: one line a step, never a credential',
        value: credential.logGroup.logGroupName,
      });
    }
    new CfnOutput(this, 'PatientsTableName', {
      description: `The patients table (${TABLE_KEY_ATTRIBUTE[settings.userKey]} -> patientId)${table ? '' : ": this region's replica"}`,
      value: readTable.tableName,
    });
    if (backup) {
      new CfnOutput(this, 'BackupVaultName', {
        description: 'The AWS Backup vault holding the daily recovery points of the patients table (docs/operations.md)',
        value: backup.vault.backupVaultName,
      });
    }
    if (otherTable) {
      new CfnOutput(this, 'OtherPatientsTableName', {
        description: `keyMigration: the patients table the hook does not read (keyed by ${TABLE_KEY_ATTRIBUTE[settings.userKey === 'login' ? 'oktaId' : 'login']})`,
        value: otherTable.tableName,
      });
    }
    if (credential) {
      new CfnOutput(this, 'HookSecretId', {
        description: 'ARN of the Secrets Manager secret holding the Basic credential (not the value)',
        value: credential.secret.secretArn,
      });
      new CfnOutput(this, 'OktaAuthenticationSecretCommand', {
        description: "Prints the value for Okta's Authentication secret field (Authentication field: authorization)",
        value:
          `aws secretsmanager get-secret-value --region ${this.region} --secret-id ${credential.secret.secretArn} ` +
          `--query SecretString --output text | jq -r '"Basic " + ("\\(.username):\\(.password)" | @base64)'`,
      });
    }
    if (credential?.oktaCredential) {
      new CfnOutput(this, 'OktaCredentialSecretId', {
        description:
          'Fill before the first rotation: the Okta credential secret the rotation signs in to Okta with (docs/operations.md, "Automatic rotation")',
        value: credential.oktaCredential.secretArn,
      });
      new CfnOutput(this, 'OktaCredentialFillCommand', {
        description:
          settings.oktaAuth === 'apiToken'
            ? 'Puts {"apiToken": "00..."} from okta-credential.json into the Okta credential secret'
            : 'Puts {"clientId": "0oa...", "privateKeyJwk": {...}} from okta-credential.json into the Okta credential secret',
        value: `aws secretsmanager put-secret-value --region ${this.region} --secret-id ${credential.oktaCredential.secretArn} --secret-string file://okta-credential.json`,
      });
    }
  }

  /**
   * The patients tables this stack holds and their daily backup. A table's key cannot change: each kind of
   * key has a table of its own, under a logical id of its own, so switching userKey reads the table filled
   * for it. With keyMigration the stack holds both; without, the table not read is left in the account
   * (RETAIN) until an operator deletes it. Several regions: each is a global table with its replicas.
   */
  private patientsTables(
    settings: ResolvedSettings,
    deployment: RegionalDeployment | undefined,
  ): { table: ITable; otherTable: ITable | undefined; backup: PatientsBackup } {
    const tableOf = (id: string, userKey: UserKeyKind): ITable =>
      deployment
        ? new GlobalPatientsTable(this, id, {
            userKey,
            tableName: userKey === settings.userKey ? deployment.patientsTableName : defaultPatientsTableName(settings.stageName, userKey),
            replicaRegions: replicaRegionsOf(deployment),
          }).table
        : new PatientsTable(this, id, { userKey }).table;
    const tables = {
      login: settings.userKey === 'login' || settings.keyMigration ? tableOf('Patients', 'login') : undefined,
      oktaId: settings.userKey === 'oktaId' || settings.keyMigration ? tableOf('PatientsByOktaId', 'oktaId') : undefined,
    };
    const table = tables[settings.userKey] as ITable;
    const otherTable = tables[settings.userKey === 'login' ? 'oktaId' : 'login'];
    const backup = new PatientsBackup(this, 'Backup', {
      tables: [table, ...(otherTable ? [otherTable] : [])],
      retentionDays: settings.backupRetentionDays,
      ...(settings.backupCopyVaultArn ? { copyVaultArn: settings.backupCopyVaultArn } : {}),
    });
    return { table, otherTable, backup };
  }
}

/** Several regions: the shared data's replication when there is one, as the props of its construct. */
function withReplication(replication: SecretReplication | undefined): { replication?: SecretReplication } {
  return replication ? { replication } : {};
}

/** The props that are the Stack's own, without the hook's settings. */
function stackPropsOf(props: TokenHookStackProps): StackProps {
  const {
    hookBundleDir: _hookBundleDir,
    rotationBundleDir: _rotationBundleDir,
    stageName: _stageName,
    userKey: _userKey,
    keyMigration: _keyMigration,
    patientIdPattern: _patientIdPattern,
    claimName: _claimName,
    claimTokens: _claimTokens,
    failureMode: _failureMode,
    throttleRateLimit: _throttleRateLimit,
    throttleBurstLimit: _throttleBurstLimit,
    reservedConcurrency: _reservedConcurrency,
    alarmEmail: _alarmEmail,
    alarmTopicArn: _alarmTopicArn,
    noTrafficAlarmHours: _noTrafficAlarmHours,
    authMode: _authMode,
    oauthIssuer: _oauthIssuer,
    oauthAudience: _oauthAudience,
    oauthScope: _oauthScope,
    oauthClientId: _oauthClientId,
    oktaOrgUrl: _oktaOrgUrl,
    oktaHookId: _oktaHookId,
    oktaAuth: _oktaAuth,
    rotationDays: _rotationDays,
    rotationGraceHours: _rotationGraceHours,
    maxEventAgeSeconds: _maxEventAgeSeconds,
    logRetention: _logRetention,
    backupRetentionDays: _backupRetentionDays,
    backupCopyVaultArn: _backupCopyVaultArn,
    regions: _regions,
    primaryRegion: _primaryRegion,
    domainName: _domainName,
    hostedZoneId: _hostedZoneId,
    drainRegion: _drainRegion,
    patientsTableName: _patientsTableName,
    frontDoor: _frontDoor,
    ...stackProps
  } = props;
  return stackProps;
}
