import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { UserKeyKind } from '../lambda/core/patient-record.ts';
import { type ResolvedSettings, SettingsError } from './settings.ts';

/**
 * A deployment to several regions (docs/regions.md), as one region's stack sees it. The primary region's
 * stack owns the global table and the secrets, with their replicas in every other region; each stack
 * has its own function, API, custom domain and latency record, and reads its local replicas.
 */
export interface RegionalDeployment {
  /** This stack's region. */
  region: string;
  primaryRegion: string;
  /** Every region, the primary among them. */
  regions: string[];
  domainName: string;
  hostedZoneId: string;
  /** The region whose health check is inverted for a drill; none when absent. */
  drainRegion?: string;
  /** The global patients table's name, the same in every region. */
  patientsTableName: string;
}

/** The regional deployment of `region`, or undefined for the one stack of a single region. */
export function regionalDeployment(settings: ResolvedSettings, region: string | undefined): RegionalDeployment | undefined {
  const { regions, primaryRegion, domainName, hostedZoneId } = settings;
  if (!regions || regions.length < 2 || !primaryRegion || !domainName || !hostedZoneId) return undefined;
  if (!region || !regions.includes(region)) {
    throw new SettingsError(`a stack of a deployment to ${regions.join(', ')} must name one of those regions in env.region`);
  }
  return {
    region,
    primaryRegion,
    regions,
    domainName,
    hostedZoneId,
    ...(settings.drainRegion ? { drainRegion: settings.drainRegion } : {}),
    patientsTableName: settings.patientsTableName ?? defaultPatientsTableName(settings.stageName, settings.userKey),
  };
}

/** The regions other than the primary, where the primary's table and secrets have replicas. */
export function replicaRegionsOf(deployment: RegionalDeployment): string[] {
  return deployment.regions.filter((region) => region !== deployment.primaryRegion);
}

/** The global table's name when `patientsTableName` is not set: a replica is found in its region by name. */
export function defaultPatientsTableName(stageName: string, userKey: UserKeyKind): string {
  return `okta-token-hook-${stageName}-patients${userKey === 'oktaId' ? '-by-okta-id' : ''}`;
}

/** The secrets every region reads, by the name their replicas share. */
export type ReplicatedSecret = 'hook-credential' | 'user-hash-key';

export function replicatedSecretName(stageName: string, secret: ReplicatedSecret): string {
  return `okta-token-hook/${stageName}/${secret}`;
}

/**
 * The alias of each region's data key. A replica secret must be encrypted with a key of its own region,
 * which the primary stack cannot create; it names the key by this alias, which the region's stack makes.
 */
export function dataKeyAlias(stageName: string): string {
  return `alias/okta-token-hook-${stageName}`;
}

/** A secret of the primary stack that the other regions read from their local replicas. */
export interface SecretReplication {
  /** The name the replicas share, so each region finds its own. */
  secretName: string;
  /** Where the replicas are: every region but the primary. */
  regions: string[];
  /** The alias of the data key in each of those regions. */
  keyAlias: string;
}

/** Replicates `secret` to the regions, each replica under its own region's data key. */
export function replicateSecret(secret: Secret, { regions, keyAlias }: SecretReplication): void {
  // Through the L1: Secret's replicaRegions wants a key object, and a key of another region is only an alias here.
  (secret.node.defaultChild as CfnSecret).replicaRegions = regions.map((region) => ({ region, kmsKeyId: keyAlias }));
}

/**
 * The ARN of a secret's replica in `region` (default this stack's): the primary's name and random
 * six-character suffix, in that region. The suffix is known only to the primary's stack, and there only
 * once deployed, so IAM matches it with six `?`, which match exactly six characters: the full ARN of this
 * one secret in this one region, and no other secret whose name starts alike.
 */
export function replicaArn(scope: IConstruct, secretName: string, region?: string): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${secretName}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    ...(region ? { region } : {}),
  });
}
