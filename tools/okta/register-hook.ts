import {
  hookDifferences,
  hookMatches,
  type InlineHook,
  TOKEN_HOOK_TYPE,
  type TokenHookSpec,
  tokenHookBody,
} from '../../lambda/okta/inline-hook.ts';
import type { OktaApi } from '../../lambda/okta/management-api.ts';

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
  const hooks = await api.get<InlineHook[]>(`/api/v1/inlineHooks?type=${encodeURIComponent(TOKEN_HOOK_TYPE)}`);
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
