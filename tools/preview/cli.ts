import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_HOOK_PATH } from '../../lambda/config.ts';
import type { HookRequest } from '../../lambda/core/hook-request.ts';
import { resolveUserKey, type UserKeyKind } from '../../lambda/core/patient-record.ts';
import { describeJsonSyntaxError } from '../../lambda/json-syntax.ts';
import { describeNetworkFailure } from '../../lambda/okta/management-api.ts';
import { painterFor } from '../cli/output.ts';
import { type CliIo, EXIT, type ExitCode, runCommand, UsageError } from '../cli/run-command.ts';
import {
  buildHookRequest,
  type HookRequestBody,
  REQUEST_SHAPES,
  type RequestShape,
  requestHasUser,
  requestHasUserId,
  withUser,
  withUserId,
} from '../okta/request-shapes.ts';
import { formatJudgement, judgeHookResponse } from '../okta/response-judge.ts';
import { oktaUserIdProblem, userKeyKindFrom } from '../patients/patient-fields.ts';
import { resolveHookAuthorization } from './hook-credential.ts';

export const PREVIEW_USAGE = `Usage: npm run preview -- [options]

Sends an Okta token hook request to the hook and shows what came back and what Okta would do with it:
the ID and access token claims it would mint, why it would drop the patch, or the message users would
see when sign-in fails.

Request:
  --shape NAME           ${REQUEST_SHAPES.join(' | ')} (default example)
  --file request.json    send this request instead (e.g. one copied from the Admin Console Preview tab)
  --user LOGIN           send it for this Okta login
  --user-id ID           and this Okta user id (00u…): context.user.id, the access token's uid, the ID
                         token's sub. The hook looks users up by the one USER_KEY names (login, or
                         oktaId), so with USER_KEY=oktaId --user needs --user-id, and --user-id alone
                         needs USER_KEY=oktaId

Where:
  --url URL              the hook (default: the npm start server, http://127.0.0.1:\${PORT:-3000}/tokenHook)

Credential (default: HOOK_USERNAME/HOOK_PASSWORD, else admin/supersecret for the local server):
  --username U --password P
  --authorization "..."         the whole header value, as Okta sends it ("Basic ...", or
                                "Bearer <token>" for a hook in OAuth mode)
  --secret-id ID                read {"username","password"} from AWS Secrets Manager

Exit codes: 0 Okta applies the answer or mints unchanged, 1 Okta drops the patch, sign-in fails or no
answer, 2 usage error.`;

const OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  'user-id': { type: 'string' },
  shape: { type: 'string' },
  file: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  authorization: { type: 'string' },
  'secret-id': { type: 'string' },
} as const;

const MAX_BODY_SHOWN = 4000;

/** `npm run preview`: the whole tool as a function of argv, for the script and for tests. */
export function runPreviewCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runCommand(argv, io, { usage: PREVIEW_USAGE, options: OPTIONS }, async ({ values, positionals }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.shape !== undefined && values.file !== undefined) throw new UsageError('give --shape or --file, not both');
    const keyKind = userKeyKindFrom(undefined, io.env);
    const { request, description } = loadRequest(values, io.cwd, keyKind);
    const url = hookUrl(values.url, io.env);
    const authorization = await resolveHookAuthorization(
      { username: values.username, password: values.password, authorization: values.authorization, secretId: values['secret-id'] },
      io.env,
      { local: values.url === undefined },
    );

    const paint = painterFor(io.stdout, io.env);
    // The key the hook will look up, found the way the hook finds it.
    const user = resolveUserKey(request as HookRequest, keyKind);
    io.stdout.write(`${paint('bold', `POST ${url}`)}\n`);
    io.stdout.write(
      `  request: ${description}, ${'key' in user ? `user key ${user.key}` : user.problem === 'InvalidUserKey' ? `invalid user key (${user.detail})` : 'no user key'}\n  credential: ${authorization.source}\n`,
    );
    if (new URL(url).protocol !== 'https:' && !isLoopback(url)) io.stdout.write(paint('yellow', '  note: Okta calls HTTPS URLs only\n'));

    const reply = await sendHookRequest(url, authorization.header, JSON.stringify(request)).catch((error: Error) => {
      const hint = values.url === undefined ? ' Is npm start running (PORT)?' : '';
      throw new Error(`${error.message}. Okta would mint the tokens without the hook’s changes.${hint}`);
    });
    io.stdout.write(
      `\n${paint('bold', `← ${reply.status} ${reply.statusText}`)} in ${Math.round(reply.elapsedMs)} ms\n${formatBody(reply.body)}\n\n`,
    );

    const judgement = judgeHookResponse({ request, status: reply.status, body: reply.body, elapsedMs: reply.elapsedMs });
    io.stdout.write(formatJudgement(judgement, paint));
    return judgement.verdict === 'applied' || judgement.verdict === 'unchanged' ? EXIT.ok : EXIT.failed;
  });
}

interface RequestValues {
  shape?: string;
  file?: string;
  user?: string;
  'user-id'?: string;
}

function loadRequest(values: RequestValues, cwd: string, keyKind: UserKeyKind): { request: HookRequestBody; description: string } {
  let request: HookRequestBody;
  let description: string;
  if (values.file !== undefined) {
    request = readRequestFile(resolve(cwd, values.file), values.file);
    description = values.file;
  } else {
    const shape = (values.shape ?? 'example') as RequestShape;
    if (!REQUEST_SHAPES.includes(shape)) throw new UsageError(`--shape must be one of ${REQUEST_SHAPES.join(', ')}`);
    request = buildHookRequest(shape);
    description = `shape ${shape}`;
  }
  return { request: forUser(request, description, values, keyKind), description };
}

function forUser(request: HookRequestBody, description: string, values: RequestValues, keyKind: UserKeyKind): HookRequestBody {
  const { user, 'user-id': userId } = values;
  if (user === undefined && userId === undefined) return request;
  if (!requestHasUser(request)) {
    throw new UsageError(
      `${user !== undefined ? '--user' : '--user-id'} does not apply: ${description} has no user (a client-credentials grant)`,
    );
  }
  // Changing only the login or only the id leaves the key the hook looks up on the request's own user:
  // the preview would show another person's patient id as this user's claim.
  if (keyKind === 'oktaId' && userId === undefined)
    throw new UsageError('--user needs --user-id: with USER_KEY=oktaId the hook looks users up by Okta user id');
  if (keyKind === 'login' && user === undefined)
    throw new UsageError('--user-id needs --user: with USER_KEY=login the hook looks users up by login');
  let changed = user === undefined ? request : withUser(request, user);
  if (userId !== undefined) {
    const problem = oktaUserIdProblem(userId);
    if (problem) throw new UsageError(`--user-id: ${problem}`);
    if (!requestHasUserId(request))
      throw new UsageError(`--user-id does not apply: ${description} has no Okta user id (context.user.id or the access token's uid)`);
    changed = withUserId(changed, userId);
  }
  return changed;
}

function readRequestFile(path: string, name: string): HookRequestBody {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${name}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: ${describeJsonSyntaxError(error, text)}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new Error(`${name}: not a JSON object`);
  return request as HookRequestBody;
}

function hookUrl(flag: string | undefined, env: Record<string, string | undefined>): string {
  const url = flag ?? `http://127.0.0.1:${env.PORT || 3000}${env.HOOK_PATH || DEFAULT_HOOK_PATH}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  }
  return url;
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

// Shown as it came: that is what Okta reads.
function formatBody(body: string): string {
  if (body === '') return '(no body)';
  return body.length > MAX_BODY_SHOWN ? `${body.slice(0, MAX_BODY_SHOWN)}… (${body.length - MAX_BODY_SHOWN} more characters)` : body;
}

export interface HookReply {
  status: number;
  statusText: string;
  body: string;
  /** From sending to the last byte of the body: what Okta's 3 s limit measures. */
  elapsedMs: number;
}

/** Longer than Okta waits, so a slow answer can still be shown and judged. */
export const SEND_TIMEOUT_MS = 10_000;

/** POSTs a token hook request as Okta does: JSON, the configured Authorization header, no redirects. */
export async function sendHookRequest(url: string, authorization: string, body: string, timeoutMs = SEND_TIMEOUT_MS): Promise<HookReply> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, body: text, elapsedMs: performance.now() - started };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
    throw new Error(`no answer from ${url}: ${describeNetworkFailure(error, timeoutMs)}`);
  }
}
