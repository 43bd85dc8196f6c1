import { randomUUID } from 'node:crypto';
import { DEFAULT_HOOK_NAME, type InlineHook } from '../../lambda/okta/inline-hook.ts';
import { TOKEN_TRANSFORM_EVENT } from '../../lambda/core/hook-request.ts';
import { createOktaApi, type OktaApi } from '../../lambda/okta/management-api.ts';
import { painterFor } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode, runCommand, UsageError } from '../cli/run-command.ts';
import { oktaApiFromEnvironment } from './okta-environment.ts';
import { buildHookRequest, type HookRequestBody } from './request-shapes.ts';
import { formatJudgement, judgeHookResponse } from './response-judge.ts';

export const EXECUTE_USAGE = `usage: npm run okta:execute -- [--user <login>] [--name <hook name> | --id <hook id>] [--auth-server <id>]

Has Okta send the contract's example token hook request, for the user, through the hook's channel
(POST /api/v1/inlineHooks/{id}/execute), then prints the answer and what Okta would do with it.
Okta org: OKTA_ORG_URL, and OKTA_API_TOKEN or OKTA_ACCESS_TOKEN.
  --user <login>        the user the request is for (default jessie.smith@example.com)
  --name <name>         the hook, by name (default "${DEFAULT_HOOK_NAME}")
  --id <id>             the hook, by id
  --auth-server <id>    write this authorization server as the request's issuer (default: default)`;

const OPTIONS = {
  user: { type: 'string' },
  name: { type: 'string' },
  id: { type: 'string' },
  'auth-server': { type: 'string' },
} as const;

export interface ExecuteDependencies {
  fetch?: typeof fetch;
}

/** `npm run okta:execute`: the whole command as a function of argv, for the script and for tests. */
export function runExecuteCommand(argv: readonly string[], io: CliIo, dependencies: ExecuteDependencies = {}): Promise<ExitCode> {
  return runCommand(argv, io, { usage: EXECUTE_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.id !== undefined && values.name !== undefined) throw new UsageError('give --name or --id, not both');
    const print = (text: string) => io.stdout.write(`${text}\n`);
    const api = createOktaApi({ ...oktaApiFromEnvironment(io.env), print, ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}) });
    const hookId = values.id ?? (await hookIdByName(api, values.name ?? DEFAULT_HOOK_NAME));
    const request = exampleRequest(values.user ?? 'jessie.smith@example.com', new URL(api.orgUrl).host, values['auth-server'] ?? 'default');

    const started = performance.now();
    const answer = await api.send<unknown>('POST', `/api/v1/inlineHooks/${encodeURIComponent(hookId)}/execute`, request);
    const elapsedMs = performance.now() - started;
    const body = answer === undefined ? '' : JSON.stringify(answer);
    print(
      `Okta executed hook ${hookId} for ${values.user ?? 'jessie.smith@example.com'} in ${Math.round(elapsedMs)} ms (Okta holds the hook to its 3 s itself)`,
    );
    print(body ? JSON.stringify(answer, null, 2) : '(no body: the hook answered 204)');
    // Okta passes the hook's answer back only when the call succeeded, so it is judged as a 200 (or a
    // 204 without a body); a failed call came back as an Okta error above. Timing is Okta's to enforce.
    const judgement = judgeHookResponse({ request, status: body ? 200 : 204, body, elapsedMs: 0 });
    io.stdout.write(`\n${formatJudgement(judgement, painterFor(io.stdout, io.env))}`);
    return judgement.verdict === 'dropped' ? EXIT.failed : EXIT.ok;
  });
}

/** The contract's example request for the user, as this org would send it, with a fresh id and time. */
export function exampleRequest(login: string, orgHost: string, authServerId: string): HookRequestBody {
  const text = JSON.stringify(buildHookRequest('example', login))
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Okta's docs write the placeholder so.
    .replaceAll('${yourOktaDomain}', orgHost)
    .replaceAll(`${orgHost}/oauth2/default`, `${orgHost}/oauth2/${authServerId}`);
  return { ...JSON.parse(text), eventId: randomUUID(), eventTime: new Date().toISOString() };
}

async function hookIdByName(api: OktaApi, name: string): Promise<string> {
  const hooks = await api.get<InlineHook[]>(`/api/v1/inlineHooks?type=${encodeURIComponent(TOKEN_TRANSFORM_EVENT)}`);
  const named = hooks.filter((hook) => hook.name === name);
  if (named.length !== 1) {
    const known = hooks.map((hook) => `"${hook.name}"`).join(', ') || 'none';
    const found = named.length === 0 ? 'no token inline hook' : `${named.length} token inline hooks`;
    throw new Error(`${found} named "${name}" in Okta (token hooks: ${known}); use --name or --id`);
  }
  return (named[0] as InlineHook).id;
}
