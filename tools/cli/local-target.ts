import type { AwsCredentials } from '../../lambda/aws/aws-environment.ts';
import type { UserKeyKind } from '../../lambda/core/patient-record.ts';

/**
 * What `--local` points the tools at: the defaults `npm start` runs with (local/ starts from these).
 * Okta's guide uses admin/supersecret; they are the defaults here and nowhere else.
 */
export const LOCAL_DEFAULTS = {
  PATIENTS_TABLE: 'patients',
  HOOK_USERNAME: 'admin',
  HOOK_PASSWORD: 'supersecret',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** The credentials a local store takes (any would do). */
export const LOCAL_CREDENTIALS: AwsCredentials = {
  accessKeyId: LOCAL_DEFAULTS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_DEFAULTS.AWS_SECRET_ACCESS_KEY,
};

const LOCAL_OKTA_ID_TABLE = 'patients-by-okta-id';

/** What the local table is keyed by: USER_KEY as the hook reads it (a wrong value is the hook's to refuse). */
export function localUserKey(env: Record<string, string | undefined>): UserKeyKind {
  return env.USER_KEY === 'oktaId' ? 'oktaId' : 'login';
}

/** The local table: PATIENTS_TABLE, else one per kind of key, so switching USER_KEY never reads a table keyed the other way. */
export function localPatientsTable(env: Record<string, string | undefined>): string {
  return env.PATIENTS_TABLE || (localUserKey(env) === 'oktaId' ? LOCAL_OKTA_ID_TABLE : LOCAL_DEFAULTS.PATIENTS_TABLE);
}
