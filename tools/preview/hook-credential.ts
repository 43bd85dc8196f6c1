import { basicHeaderValue } from '../../lambda/core/basic-auth.ts';
import { UsageError } from '../cli/run-command.ts';
import { readHookCredential } from '../okta/hook-secret.ts';
import { LOCAL_DEFAULTS } from '../cli/local-target.ts';

export interface CredentialFlags {
  username?: string | undefined;
  password?: string | undefined;
  authorization?: string | undefined;
  secretId?: string | undefined;
}

export interface HookAuthorization {
  header: string;
  /** Where the credential came from, safe to print (never the secret itself). */
  source: string;
}

/**
 * The Authorization header to send, as Okta would: from one of the flags, else HOOK_USERNAME and
 * HOOK_PASSWORD, else (for the local server only) the local default credential.
 */
export async function resolveHookAuthorization(
  flags: CredentialFlags,
  env: Record<string, string | undefined>,
  { local }: { local: boolean },
): Promise<HookAuthorization> {
  const given = [
    flags.authorization && '--authorization',
    (flags.username || flags.password) && '--username/--password',
    flags.secretId && '--secret-id',
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one credential, not ${given.join(' and ')}`);
  if (flags.authorization) return { header: flags.authorization, source: '--authorization' };
  if (flags.username || flags.password) {
    if (!flags.username || !flags.password) throw new UsageError('--username and --password go together');
    return { header: basicHeaderValue({ username: flags.username, password: flags.password }), source: `--username ${flags.username}` };
  }
  if (flags.secretId) {
    const credential = await readHookCredential(flags.secretId);
    return { header: basicHeaderValue(credential), source: `secret ${flags.secretId} (user ${credential.username})` };
  }
  if (env.HOOK_USERNAME && env.HOOK_PASSWORD) {
    return {
      header: basicHeaderValue({ username: env.HOOK_USERNAME, password: env.HOOK_PASSWORD }),
      source: `HOOK_USERNAME ${env.HOOK_USERNAME}`,
    };
  }
  if (local) {
    const credential = { username: LOCAL_DEFAULTS.HOOK_USERNAME, password: LOCAL_DEFAULTS.HOOK_PASSWORD };
    return { header: basicHeaderValue(credential), source: `the local default (${credential.username})` };
  }
  throw new UsageError(
    'no credential for --url: pass --username and --password, --authorization, --secret-id, or set HOOK_USERNAME and HOOK_PASSWORD',
  );
}
