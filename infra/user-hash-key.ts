import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeInHipaaAndNist } from './compliance.ts';
import { replicateSecret, type SecretReplication } from './regions.ts';

/** Letters and digits AWS generates for the key; the function wants at least 32 (USER_HASH_KEY_MIN_LENGTH). */
export const USER_HASH_KEY_LENGTH = 48;

/** Why the key does not rotate (cdk-nag AwsSolutions-SMG4). */
export const NO_ROTATION_REASON =
  'The key only makes the userHash in log lines an HMAC, so someone holding the logs and a staff directory ' +
  'cannot tell who is a patient. It authenticates nobody and grants no access, so an old value is worth ' +
  'nothing to an attacker beyond the log lines it was used for, and rotating it would only stop old and new ' +
  'log lines of one user from correlating.';

/**
 * The HMAC key of the user hash in the hook's log lines. AWS generates it, so no value is in the template,
 * and the function reads it at init (`USER_HASH_KEY_SECRET_ID`, the secret's ARN): in Basic mode in the
 * same BatchGetSecretValue as the Basic credential, in OAuth mode alone. Its value is in no function
 * configuration. Kept when the stack is destroyed or the secret replaced, so the hashes of old log lines
 * can still be matched.
 */
export class UserHashKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, { encryptionKey, replication }: { encryptionKey: IKey; replication?: SecretReplication }) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      encryptionKey,
      ...(replication ? { secretName: replication.secretName } : {}),
      description: 'HMAC key of the user hash in the Okta token hook logs (USER_HASH_KEY_SECRET_ID); not a credential',
      generateSecretString: {
        passwordLength: USER_HASH_KEY_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (replication) replicateSecret(this.secret, replication);
    Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: NO_ROTATION_REASON });
    acknowledgeInHipaaAndNist(this.secret, 'SecretsManagerRotationEnabled', NO_ROTATION_REASON);
  }
}
