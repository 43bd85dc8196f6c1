import { setTimeout as delay } from 'node:timers/promises';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CURRENT_SINCE_TAG,
  currentSinceTagValue,
  PASSWORD_LENGTH,
  parseBasicCredentialSecret,
} from '../aws/secrets-manager-credentials.ts';
import type { BasicCredential } from '../core/basic-auth.ts';
import { oktaCredentialReadError, parseOktaServiceCredential } from '../okta/service-app.ts';
import { executeHook, type OktaHookTarget, oktaHookTarget, oktaRotationEnvironment, setHookCredential } from './okta-hook-target.ts';

/**
 * Secrets Manager single-user rotation of the hook's Basic credential `{"username", "password"}`, Okta
 * included: createSecret stages a new password; setSecret gives it to the inline hook in Okta (its
 * header secret, through the Management API); testSecret has Okta call the hook as a rotation check for
 * that version and, unless the hook found Okta sends exactly that version's value, puts the AWSCURRENT
 * value back into Okta and fails, so the old credential stays current and in use; finishSecret makes it AWSCURRENT. The hook accepts the AWSPENDING value meanwhile.
 *
 * Without an Okta target the steps leave Okta alone (setSecret does nothing, testSecret only checks the
 * pending value): the Secrets Manager side on its own. The deployed function always has one.
 *
 * With replica regions (docs/regions.md) Okta may call any region's hook, which reads its local replica:
 * setSecret gives Okta the pending value only once every replica holds that version staged AWSPENDING,
 * and otherwise fails, leaving Okta as it is.
 */
export interface RotationEvent {
  Step: string;
  SecretId: string;
  ClientRequestToken: string;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** Okta as the deployed function reaches it: settings from the environment, credential from its secret, read per step. */
export type OktaTargetSource = () => Promise<OktaHookTarget>;

/** A region holding a replica of the secret, and a client of its own Secrets Manager. */
export interface ReplicaRegion {
  region: string;
  client: SecretsManagerClient;
}

/** The replica regions setSecret waits for, and how. */
export interface ReplicaWait {
  regions: ReplicaRegion[];
  /** How many times each region is asked before setSecret gives up. Default 10. */
  attempts?: number;
  /** The wait between asks. Default 3 s: 30 s in all, inside the function's minute, far past a replication's usual seconds. */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const REPLICA_ATTEMPTS = 10;
export const REPLICA_DELAY_MS = 3_000;

export function createRotationHandler(
  client: SecretsManagerClient,
  okta?: OktaTargetSource,
  replicas?: ReplicaWait,
): (event: RotationEvent) => Promise<void> {
  // Only the steps that reach Okta read its credential: createSecret and finishSecret work without it.
  return async (event) => {
    const reachesOkta = okta !== undefined && (event.Step === 'setSecret' || event.Step === 'testSecret');
    await rotateBasicCredential(client, event, reachesOkta ? await okta() : undefined, replicas);
  };
}

/** REPLICA_REGIONS, comma-separated (the stack sets it with several regions): each with a client of its own. */
function replicaWaitFromEnvironment(env: Record<string, string | undefined>): ReplicaWait | undefined {
  const regions = (env.REPLICA_REGIONS ?? '')
    .split(',')
    .map((region) => region.trim())
    .filter(Boolean);
  return regions.length === 0
    ? undefined
    : { regions: regions.map((region) => ({ region, client: new SecretsManagerClient({ region }) })) };
}

/** The Okta target from OKTA_ORG_URL, OKTA_HOOK_ID, OKTA_AUTH and the Okta credential secret OKTA_CREDENTIAL_SECRET_ID. */
export function oktaTargetFromEnvironment(client: SecretsManagerClient, env: Record<string, string | undefined>): OktaTargetSource {
  return async () => {
    const settings = oktaRotationEnvironment(env);
    const secret = await client.send(new GetSecretValueCommand({ SecretId: settings.credentialSecretId })).catch((error: unknown) => {
      throw oktaCredentialReadError(error);
    });
    return oktaHookTarget(settings, parseOktaServiceCredential(secret.SecretString, settings.auth));
  };
}

export async function rotateBasicCredential(
  client: SecretsManagerClient,
  event: RotationEvent,
  okta?: OktaHookTarget,
  replicas?: ReplicaWait,
): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const step = checkStep(event.Step);
  const metadata = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (metadata.RotationEnabled === false) throw new Error('rotation is not enabled on the secret');
  const versions = metadata.VersionIdsToStages ?? {};
  const stages = versions[token];
  if (!stages) throw new Error(`version ${token} is not a version of the secret`);
  if (stages.includes('AWSCURRENT')) {
    log(step, 'version is already AWSCURRENT: nothing to do');
    return;
  }
  if (!stages.includes('AWSPENDING')) throw new Error(`version ${token} is not staged as AWSPENDING`);

  if (step === 'createSecret') await createPendingVersion(client, secretId, token);
  else if (step === 'setSecret') await setPendingInOkta(client, { secretId, name: metadata.Name }, token, okta, replicas);
  else if (step === 'testSecret') await checkPendingVersion(client, secretId, token, okta);
  else await promotePendingVersion(client, secretId, token, versions);
}

async function createPendingVersion(client: SecretsManagerClient, secretId: string, token: string): Promise<void> {
  const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  const { username } = parseBasicCredentialSecret(current.SecretString);
  try {
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    log('createSecret', 'pending version already exists');
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const { RandomPassword: password } = await client.send(
    new GetRandomPasswordCommand({
      PasswordLength: PASSWORD_LENGTH,
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    }),
  );
  if (!password) throw new Error('GetRandomPassword returned no password');
  await client.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify({ username, password }),
      VersionStages: ['AWSPENDING'],
    }),
  );
  log('createSecret', 'pending version created');
}

/**
 * Okta's PUT replaces the hook with the same body each time: safe to repeat. With replica regions, only
 * once each replica holds the pending version: from the PUT on Okta sends it, to whichever region Route 53
 * picks, and a region whose replica lacks it would refuse Okta's every call.
 */
async function setPendingInOkta(
  client: SecretsManagerClient,
  secret: { secretId: string; name: string | undefined },
  token: string,
  okta: OktaHookTarget | undefined,
  replicas: ReplicaWait | undefined,
): Promise<void> {
  if (okta === undefined) {
    log('setSecret', 'no Okta target: Okta is left as it is');
    return;
  }
  // A replica has the primary's name in its own region (the secret's ARN names the primary's region).
  if (replicas) await waitForReplicas(replicas, secret.name ?? secret.secretId, token);
  const pending = await readVersion(client, secret.secretId, { VersionId: token, VersionStage: 'AWSPENDING' });
  await setHookCredential(okta, pending);
  log('setSecret', `Okta inline hook ${okta.hookId} now sends the pending credential`);
}

/** Asks each replica region until its replica shows `token` staged AWSPENDING; throws naming the regions that never did. */
async function waitForReplicas(replicas: ReplicaWait, name: string, token: string): Promise<void> {
  const { attempts = REPLICA_ATTEMPTS, delayMs = REPLICA_DELAY_MS, sleep = delay } = replicas;
  let lagging: Array<ReplicaRegion & { why?: string }> = replicas.regions;
  for (let attempt = 1; ; attempt++) {
    const answers = await Promise.all(lagging.map(async (replica) => ({ ...replica, ...(await pendingIn(replica, name, token)) })));
    lagging = answers.filter((answer) => !answer.holds);
    if (lagging.length === 0) {
      log('setSecret', `the pending version has reached ${replicas.regions.map(({ region }) => region).join(', ')}`);
      return;
    }
    if (attempt >= attempts) {
      const regions = lagging.map(({ region, why }) => (why ? `${region} (${why})` : region)).join(', ');
      throw new Error(
        `setSecret: the pending version has not reached ${regions} after ${attempts} looks ${delayMs / 1000} s apart, ` +
          'so Okta is left as it is: the hook there could not accept it. AWSCURRENT stays; ' +
          "see the secret's ReplicationStatus (aws secretsmanager describe-secret) and docs/regions.md.",
      );
    }
    await sleep(delayMs);
  }
}

/** A region that cannot be asked (down, or refusing) is one the pending version has not reached; why is the error's name. */
async function pendingIn({ client }: ReplicaRegion, name: string, token: string): Promise<{ holds: boolean; why?: string }> {
  try {
    const metadata = await client.send(new DescribeSecretCommand({ SecretId: name }));
    return { holds: metadata.VersionIdsToStages?.[token]?.includes('AWSPENDING') ?? false };
  } catch (error) {
    return { holds: false, why: error instanceof Error ? error.name : 'error' };
  }
}

/**
 * The pending value is a credential, and Okta holds exactly it: Okta's call, a rotation check for this
 * version (core/hook-request.ts), passes only with that value, not with AWSCURRENT's or AWSPREVIOUS's,
 * which the hook accepts from any other call. When it does not pass, Okta gets the AWSCURRENT value back and the step fails: AWSCURRENT stays, and is what Okta sends.
 * Once Okta has it back the version loses AWSPENDING, so the hook stops accepting a value nobody holds
 * and the next rotation starts afresh; if Okta could not be given it back, AWSPENDING stays on it, as the
 * hook must keep accepting what Okta may still send.
 */
async function checkPendingVersion(
  client: SecretsManagerClient,
  secretId: string,
  token: string,
  okta: OktaHookTarget | undefined,
): Promise<void> {
  await readVersion(client, secretId, { VersionId: token, VersionStage: 'AWSPENDING' });
  if (okta === undefined) {
    log('testSecret', 'pending version is a valid Basic credential (no Okta target to test it with)');
    return;
  }
  try {
    await executeHook(okta, token);
    log('testSecret', `Okta called inline hook ${okta.hookId} with the pending credential and the hook's rotation check passed`);
    return;
  } catch (failure) {
    const why = failure instanceof Error ? failure.message : 'unknown error';
    const restored = await restoreCurrentInOkta(client, secretId, okta);
    if (restored) await dropPendingStage(client, secretId, token);
    throw new Error(
      `testSecret: Okta could not call the hook with the pending credential, so the rotation stops here and AWSCURRENT stays. ` +
        (restored
          ? 'Okta has the current credential back. '
          : 'Okta could NOT be given the current credential back: the hook still accepts the pending one; run the rotation again or set Okta by hand (docs/operations.md, "Rotating by hand"). ') +
        `Okta said: ${why}`,
    );
  }
}

async function restoreCurrentInOkta(client: SecretsManagerClient, secretId: string, okta: OktaHookTarget): Promise<boolean> {
  try {
    await setHookCredential(okta, await readVersion(client, secretId, { VersionStage: 'AWSCURRENT' }));
    log('testSecret', `Okta inline hook ${okta.hookId} has the current credential back`);
    return true;
  } catch (error) {
    console.error(`testSecret: the current credential could not be put back into Okta (${error instanceof Error ? error.name : 'error'})`);
    return false;
  }
}

async function dropPendingStage(client: SecretsManagerClient, secretId: string, token: string): Promise<void> {
  try {
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));
    log('testSecret', 'the failed version is no longer AWSPENDING');
  } catch (error) {
    console.error(`testSecret: AWSPENDING could not be removed from the failed version (${error instanceof Error ? error.name : 'error'})`);
  }
}

async function readVersion(
  client: SecretsManagerClient,
  secretId: string,
  which: { VersionId?: string; VersionStage: string },
): Promise<BasicCredential> {
  const value = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...which }));
  return parseBasicCredentialSecret(value.SecretString);
}

async function promotePendingVersion(
  client: SecretsManagerClient,
  secretId: string,
  token: string,
  versions: Record<string, string[]>,
): Promise<void> {
  const current = Object.entries(versions).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      ...(current ? { RemoveFromVersionId: current } : {}),
    }),
  );
  log('finishSecret', 'pending version is now AWSCURRENT; the previous one is AWSPREVIOUS');
  // The hook counts the grace of AWSPREVIOUS from this tag. Read after the move, so never before it.
  const tag = { Key: CURRENT_SINCE_TAG, Value: currentSinceTagValue(token, Date.now()) };
  try {
    await client.send(new TagResourceCommand({ SecretId: secretId, Tags: [tag] }));
    log('finishSecret', `tagged ${CURRENT_SINCE_TAG}: ${tag.Value}`);
  } catch (error) {
    // The rotation happened: failing it now would hold back the notice that tells the operator to update
    // Okta. Without the tag the hook counts from the secret's LastChangedDate, never before the move.
    console.error(
      `finishSecret: ${CURRENT_SINCE_TAG} not tagged (${error instanceof Error ? error.name : 'error'}): the hook counts the grace from LastChangedDate`,
    );
  }
}

function checkStep(step: string): RotationStep {
  if (step === 'createSecret' || step === 'setSecret' || step === 'testSecret' || step === 'finishSecret') return step;
  throw new Error(`unknown rotation step ${JSON.stringify(step).slice(0, 40)}`);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

/** The function logs in Lambda's JSON format, which adds the level, time and request id. Never a value. */
function log(step: RotationStep, message: string): void {
  console.info(`${step}: ${message}`);
}

const sharedClient = new SecretsManagerClient({});
export const handler = createRotationHandler(
  sharedClient,
  oktaTargetFromEnvironment(sharedClient, process.env),
  replicaWaitFromEnvironment(process.env),
);
