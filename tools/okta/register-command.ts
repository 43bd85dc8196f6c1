import {
  DEFAULT_HOOK_NAME,
  type HookChannel,
  hookDifferences,
  hookMatches,
  type InlineHook,
  type TokenHookSpec,
  tokenHookBody,
} from '../../lambda/okta/inline-hook.ts';
import { TOKEN_TRANSFORM_EVENT } from '../../lambda/core/hook-request.ts';
import { createOktaApi, type OktaApi } from '../../lambda/okta/management-api.ts';
import { type CliIo, EXIT, type ExitCode, runCommand, UsageError } from '../cli/run-command.ts';
import { basicValueFromSecret, checkBasicValue, type SecretReader } from './hook-secret.ts';
import { oktaApiFromEnvironment } from './okta-environment.ts';

export const REGISTER_USAGE = `usage: npm run okta:register -- --url <https://.../tokenHook> [options]

Creates or updates the token inline hook in the Okta org, activates it, and optionally attaches it to
an authorization server's policy rule. Running it again with the same options changes nothing.

Okta org:        OKTA_ORG_URL, and OKTA_API_TOKEN (SSWS) or OKTA_ACCESS_TOKEN (OAuth, scopes
                 okta.inlineHooks.manage and okta.authorizationServers.manage)
  --name <name>            the hook's name in Okta (default "${DEFAULT_HOOK_NAME}")
  --url <url>              the hook's https URL (the stack's hook URL output)
  --auth basic|oauth       how Okta authenticates to the hook (default: HOOK_AUTH, else basic)
Basic (HTTP header Authorization):
  --secret-id <arn>        the hook's Secrets Manager secret {"username","password"} (or HOOK_SECRET_ID)
  --authorization <value>  the whole header value, "Basic <base64>" (or OKTA_HOOK_AUTHORIZATION)
OAuth 2.0 (Okta gets a token from another authorization server and sends it as Bearer):
  --client-id <id>         the API Services app Okta uses (default OAUTH_CLIENT_ID)
  --client-secret <secret> client_secret_post (or OKTA_HOOK_CLIENT_SECRET, better than the command line)
  --key-id <hookKeyId>     private_key_jwt with a key from Workflow > Key Management
  --token-url <url>        default OAUTH_ISSUER + /v1/token
  --scope <scope>          default OAUTH_SCOPE
Policy rule:
  --auth-server <id>       the authorization server that fires the hook
  --rule <policyId>/<ruleId> | <rule name>
Other:
  --rotate-secret          send the secret again even when nothing else changed (Okta never shows it)
  --dry-run                read from Okta, print the changes (secrets masked), send none`;

const OPTIONS = {
  name: { type: 'string' },
  url: { type: 'string' },
  auth: { type: 'string' },
  'secret-id': { type: 'string' },
  authorization: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'key-id': { type: 'string' },
  'token-url': { type: 'string' },
  scope: { type: 'string' },
  'auth-server': { type: 'string' },
  rule: { type: 'string' },
  'rotate-secret': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

export interface RegisterDependencies {
  fetch?: typeof fetch;
  readSecret?: SecretReader;
}

/** `npm run okta:register`: the whole command as a function of argv, for the script and for tests. */
export function runRegisterCommand(argv: readonly string[], io: CliIo, dependencies: RegisterDependencies = {}): Promise<ExitCode> {
  return runCommand(argv, io, { usage: REGISTER_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { env } = io;
    const uri = httpsUrl('--url', values.url);
    const mode = values.auth ?? env.HOOK_AUTH ?? 'basic';
    if (mode !== 'basic' && mode !== 'oauth') throw new UsageError('--auth must be basic or oauth');
    const authServerId = values['auth-server'];
    if ((authServerId === undefined) !== (values.rule === undefined)) throw new UsageError('--auth-server and --rule go together');

    let channel: HookChannel;
    let secret: () => Promise<string | undefined>;
    if (mode === 'basic') {
      channel = { type: 'HTTP', headerName: 'Authorization' };
      secret = basicSecret(values, env, dependencies.readSecret);
    } else {
      ({ channel, secret } = oauthChannel(values, env));
      checkNotFiringServer(channel.tokenUrl, authServerId);
    }

    const dryRun = values['dry-run'] ?? false;
    const print = (text: string) => io.stdout.write(`${text}\n`);
    const api = createOktaApi({
      ...oktaApiFromEnvironment(env),
      dryRun,
      print,
      ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
    });
    if (dryRun) print('dry run: reading from Okta, printing the changes instead of sending them');
    const result = await registerTokenHook(api, {
      spec: { name: values.name ?? DEFAULT_HOOK_NAME, uri, channel },
      secret,
      rotateSecret: values['rotate-secret'] ?? false,
      ...(authServerId !== undefined ? { attach: { authServerId, rule: ruleReference(values.rule as string) } } : {}),
    });
    for (const line of describeResult(result, values.name ?? DEFAULT_HOOK_NAME, channel, dryRun)) print(line);
    return EXIT.ok;
  });
}

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

function basicSecret(values: Values, env: Record<string, string | undefined>, readSecret: SecretReader | undefined): () => Promise<string> {
  const literal = values.authorization ?? env.OKTA_HOOK_AUTHORIZATION;
  const secretId = values['secret-id'] ?? (literal === undefined ? env.HOOK_SECRET_ID : undefined);
  if (literal !== undefined && values['secret-id'] !== undefined) throw new UsageError('give --secret-id or --authorization, not both');
  if (literal !== undefined) {
    try {
      checkBasicValue(literal);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return async () => literal;
  }
  if (secretId === undefined) throw new UsageError('Basic mode needs --secret-id <arn> or --authorization "Basic ..."');
  return () => basicValueFromSecret(secretId, { read: readSecret });
}

function oauthChannel(
  values: Values,
  env: Record<string, string | undefined>,
): { channel: Extract<HookChannel, { type: 'OAUTH' }>; secret: () => Promise<string | undefined> } {
  const clientId = values['client-id'] ?? env.OAUTH_CLIENT_ID;
  const scope = values.scope ?? env.OAUTH_SCOPE;
  const issuer = env.OAUTH_ISSUER?.replace(/\/+$/, '');
  const tokenUrl = httpsUrl('--token-url', values['token-url'] ?? (issuer ? `${issuer}/v1/token` : undefined));
  if (!clientId) throw new UsageError('OAuth mode needs --client-id (or OAUTH_CLIENT_ID)');
  if (!scope) throw new UsageError('OAuth mode needs --scope (or OAUTH_SCOPE)');
  const clientSecret = values['client-secret'] ?? env.OKTA_HOOK_CLIENT_SECRET;
  const hookKeyId = values['key-id'];
  if ((clientSecret === undefined) === (hookKeyId === undefined)) {
    throw new UsageError('OAuth mode needs one of --client-secret (client_secret_post) or --key-id (private_key_jwt)');
  }
  if (hookKeyId !== undefined) {
    return { channel: { type: 'OAUTH', authType: 'private_key_jwt', clientId, hookKeyId, tokenUrl, scope }, secret: async () => undefined };
  }
  return { channel: { type: 'OAUTH', authType: 'client_secret_post', clientId, tokenUrl, scope }, secret: async () => clientSecret };
}

// Okta would have to call the hook to mint the token it needs to call the hook.
function checkNotFiringServer(tokenUrl: string, authServerId: string | undefined): void {
  const tokenServer = /\/oauth2\/([^/]+)\/v1\/token$/.exec(new URL(tokenUrl).pathname)?.[1];
  if (authServerId !== undefined && tokenServer === authServerId) {
    throw new UsageError(
      `--token-url is a token endpoint of authorization server ${authServerId}, the one that fires the hook: give the hook its own authorization server`,
    );
  }
}

function ruleReference(value: string): RuleReference {
  const parts = value.split('/');
  if (parts.length === 2 && parts.every((part) => /^\w+$/.test(part))) return { policyId: parts[0] as string, ruleId: parts[1] as string };
  return { name: value };
}

function httpsUrl(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} is required`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`${option} must be an https URL: Okta calls only https`);
  return value;
}

function describeResult(result: RegistrationResult, name: string, channel: HookChannel, dryRun: boolean): string[] {
  const would = dryRun ? 'would be ' : '';
  const lines: string[] = [];
  if (result.hook === 'created') lines.push(`hook "${name}" ${would}created${dryRun ? '' : `: ${result.hookId}`}`);
  else if (result.hook === 'updated') lines.push(`hook "${name}" (${result.hookId}) ${would}updated: ${result.changed.join(', ')}`);
  else {
    lines.push(`hook "${name}" (${result.hookId}) unchanged`);
    const secret =
      channel.type === 'HTTP' ? 'Authorization value' : channel.authType === 'client_secret_post' ? 'client secret' : undefined;
    if (secret) lines.push(`  the ${secret} is not compared (Okta never returns it): after changing it, run again with --rotate-secret`);
  }
  if (result.activated) lines.push(`hook ${would}activated`);
  if (result.rule) {
    const { policyId, ruleId, name: ruleName, outcome, replacedHookId } = result.rule;
    const label = `rule "${ruleName}" (${policyId}/${ruleId})`;
    if (outcome === 'unchanged') lines.push(`${label} already calls the hook`);
    else lines.push(`${label} ${dryRun ? 'would call' : 'now calls'} the hook${replacedHookId ? ` instead of ${replacedHookId}` : ''}`);
  }
  return lines;
}

export interface RegistrationRequest {
  spec: TokenHookSpec;
  /** Reads the secret the channel sends (header value or client secret); called only before a write. */
  secret: () => Promise<string | undefined>;
  /** Replace the hook even when nothing comparable changed: Okta never shows the secret it holds. */
  rotateSecret?: boolean;
  /** Attach the hook to this authorization server's policy rule. */
  attach?: { authServerId: string; rule: RuleReference };
}

/** `{ policyId, ruleId }`, or a rule name looked up in the server's policies. */
export type RuleReference = { policyId: string; ruleId: string } | { name: string };

export interface RegistrationResult {
  hookId: string;
  hook: 'created' | 'updated' | 'unchanged';
  /** Fields that differed, when updated. */
  changed: string[];
  activated: boolean;
  rule?: { policyId: string; ruleId: string; name: string; outcome: 'attached' | 'unchanged'; replacedHookId?: string };
}

const DRY_RUN_ID = '<id of the new hook>';

/**
 * Makes Okta's token inline hook match the spec, idempotently: creates it when no hook of that name
 * exists, replaces it when a compared field differs (or --rotate-secret), activates it when inactive,
 * and points the rule at it when it points elsewhere. A second run with the same input writes nothing.
 */
export async function registerTokenHook(api: OktaApi, request: RegistrationRequest): Promise<RegistrationResult> {
  const { spec } = request;
  const hooks = await api.get<InlineHook[]>(`/api/v1/inlineHooks?type=${encodeURIComponent(TOKEN_TRANSFORM_EVENT)}`);
  const named = hooks.filter((hook) => hook.name === spec.name);
  if (named.length > 1) {
    throw new Error(
      `Okta has ${named.length} token inline hooks named "${spec.name}" (${named.map((hook) => hook.id).join(', ')}): rename or delete all but one`,
    );
  }
  let hook = named[0];
  let outcome: RegistrationResult['hook'] = 'unchanged';
  let changed: string[] = [];
  if (!hook) {
    // Okta creates inline hooks ACTIVE.
    const created = await api.send<InlineHook>('POST', '/api/v1/inlineHooks', tokenHookBody(spec, await request.secret()));
    hook = created ?? ({ id: DRY_RUN_ID, status: 'ACTIVE' } as InlineHook);
    outcome = 'created';
  } else if (request.rotateSecret || !hookMatches(hook, spec)) {
    changed = hookDifferences(hook, spec);
    if (request.rotateSecret) changed.push('secret');
    const updated = await api.send<InlineHook>('PUT', `/api/v1/inlineHooks/${hook.id}`, tokenHookBody(spec, await request.secret()));
    hook = updated ?? hook;
    outcome = 'updated';
  }

  let activated = false;
  if (hook.status !== 'ACTIVE') {
    await api.send('POST', `/api/v1/inlineHooks/${hook.id}/lifecycle/activate`);
    activated = true;
  }

  const result: RegistrationResult = { hookId: hook.id, hook: outcome, changed, activated };
  if (request.attach) result.rule = await attachToRule(api, request.attach.authServerId, request.attach.rule, hook.id);
  return result;
}

interface PolicyRule {
  id: string;
  name: string;
  actions?: { token?: { inlineHook?: { id?: string } | null } & Record<string, unknown> } & Record<string, unknown>;
  _links?: unknown;
  [field: string]: unknown;
}

async function attachToRule(
  api: OktaApi,
  authServerId: string,
  reference: RuleReference,
  hookId: string,
): Promise<NonNullable<RegistrationResult['rule']>> {
  const server = `/api/v1/authorizationServers/${encodeURIComponent(authServerId)}`;
  const { policyId, ruleId } = 'name' in reference ? await findRule(api, server, reference.name) : reference;
  const path = `${server}/policies/${encodeURIComponent(policyId)}/rules/${encodeURIComponent(ruleId)}`;
  const rule = await api.get<PolicyRule>(path);
  const current = rule.actions?.token?.inlineHook?.id;
  if (current === hookId) return { policyId, ruleId, name: rule.name, outcome: 'unchanged' };
  // PUT replaces the rule: send it back whole, with only the hook changed (links are read-only).
  const { _links: _ignored, ...writable } = rule;
  const actions = rule.actions ?? {};
  await api.send('PUT', path, { ...writable, actions: { ...actions, token: { ...actions.token, inlineHook: { id: hookId } } } });
  return { policyId, ruleId, name: rule.name, outcome: 'attached', ...(current ? { replacedHookId: current } : {}) };
}

async function findRule(api: OktaApi, server: string, name: string): Promise<{ policyId: string; ruleId: string }> {
  const policies = await api.get<Array<{ id: string; name: string }>>(`${server}/policies`);
  const matches: Array<{ policyId: string; ruleId: string; label: string }> = [];
  const seen: string[] = [];
  for (const policy of policies) {
    const rules = await api.get<Array<{ id: string; name: string }>>(`${server}/policies/${encodeURIComponent(policy.id)}/rules`);
    for (const rule of rules) {
      seen.push(`"${policy.name}" / "${rule.name}"`);
      if (rule.name === name) matches.push({ policyId: policy.id, ruleId: rule.id, label: `${policy.id}/${rule.id}` });
    }
  }
  if (matches.length === 1) return matches[0] as { policyId: string; ruleId: string };
  if (matches.length === 0)
    throw new Error(`no rule named "${name}" in this authorization server; its rules: ${seen.join(', ') || 'none'}`);
  throw new Error(
    `${matches.length} rules are named "${name}": pass --rule <policyId>/<ruleId>, one of ${matches.map((match) => match.label).join(', ')}`,
  );
}
