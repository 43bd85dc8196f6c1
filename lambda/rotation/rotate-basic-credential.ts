import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { CURRENT_SINCE_TAG, currentSinceTagValue, parseBasicCredentialSecret } from '../aws/secrets-manager-credentials.ts';
import { PASSWORD_LENGTH } from './password-policy.ts';

/**
 * Secrets Manager single-user rotation of the hook's Basic credential `{"username", "password"}`.
 * Okta holds the other end and has no API we call here, so setSecret and testSecret change nothing:
 * an operator pastes the new `Basic` value into Okta, and the hook accepts AWSPREVIOUS meanwhile.
 */
export interface RotationEvent {
  Step: string;
  SecretId: string;
  ClientRequestToken: string;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export function createRotationHandler(client: SecretsManagerClient): (event: RotationEvent) => Promise<void> {
  return (event) => rotateBasicCredential(client, event);
}

export async function rotateBasicCredential(client: SecretsManagerClient, event: RotationEvent): Promise<void> {
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
  else if (step === 'testSecret') await checkPendingVersion(client, secretId, token);
  else if (step === 'finishSecret') await promotePendingVersion(client, secretId, token, versions);
  else log(step, 'nothing to set: Okta keeps its own copy of the credential');
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

/** The only test possible without Okta: the pending value is a credential the hook can read. */
async function checkPendingVersion(client: SecretsManagerClient, secretId: string, token: string): Promise<void> {
  const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
  parseBasicCredentialSecret(pending.SecretString);
  log('testSecret', 'pending version is a valid Basic credential');
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
    console.error(`finishSecret: ${CURRENT_SINCE_TAG} not tagged (${error instanceof Error ? error.name : 'error'}): the hook counts the grace from LastChangedDate`);
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

export const handler = createRotationHandler(new SecretsManagerClient({}));
