import { isReservedClaim } from '../../lambda/config.ts';
import { PATCH_COMMAND_TYPE, type TokenKind } from '../../lambda/core/hook-request.ts';
import type { Colour } from '../cli/output.ts';
import { applyPatchOp, type PatchOp, parseJsonPointer } from './json-pointer.ts';

/** How long Okta waits for the hook; it never retries. */
export const OKTA_TIMEOUT_MS = 3000;
export const MAX_RESPONSE_BYTES = 256 * 1024;
export const TOKEN_LIFETIME_SECONDS = { min: 300, max: 86_400 } as const;

export type Verdict = 'applied' | 'unchanged' | 'dropped' | 'sign-in-fails';
export type Claims = Record<string, unknown>;

export interface HookExchange {
  /** The token hook request as sent: which tokens it mints and their claims. */
  request: unknown;
  status: number;
  /** The response body as received ('' for none). */
  body: string;
  elapsedMs: number;
}

export interface ClaimChange {
  token: TokenKind;
  op: PatchOp;
  path: string;
  /** The top-level claim the op touches; absent for the token lifetime. */
  claim?: string;
  /** The claim's (or lifetime's) value before the op, when it had one. */
  previous?: unknown;
}

export interface Judgement {
  verdict: Verdict;
  /** Why, one line each, in the terms of Okta's contract. */
  reasons: string[];
  /** The claims Okta mints; undefined when that token is not being minted, or sign-in fails. */
  idTokenClaims?: Claims;
  accessTokenClaims?: Claims;
  /** Token lifetimes in seconds, after any replace, where the request states them. */
  lifetimes: Partial<Record<TokenKind, number>>;
  /** What the applied commands changed, for showing; empty unless the verdict is `applied`. */
  changes: ClaimChange[];
  /** What the user sees when sign-in fails. */
  errorSummary?: string;
}

const LIFETIME_PATH = '/token/lifetime/expiration';
const TOKEN_NAME: Record<TokenKind, string> = { id: 'ID token', access: 'access token' };
const TOKEN_FIELD: Record<TokenKind, string> = { id: 'data.identity', access: 'data.access' };
const OPS: readonly string[] = ['add', 'replace', 'remove'];

/**
 * What Okta does with a token hook response (the contract's sections 3 and 4): apply every command,
 * mint unchanged, drop the whole patch (and why), or fail the sign-in. A pure function of the exchange.
 */
export function judgeHookResponse({ request, status, body, elapsedMs }: HookExchange): Judgement {
  const minted = mintedTokens(request);
  const asMinted = (verdict: Verdict, reasons: string[]): Judgement => ({ verdict, reasons, ...claimsOf(minted), changes: [] });
  const dropped = (reasons: string[]) => asMinted('dropped', reasons);

  if (elapsedMs > OKTA_TIMEOUT_MS) {
    return dropped([`answered after ${(elapsedMs / 1000).toFixed(1)} s: Okta waits ${OKTA_TIMEOUT_MS / 1000} s at most and never retries`]);
  }
  if (status === 204) return asMinted('unchanged', ['204 No Content: nothing to change, Okta mints the tokens as they are']);
  if (status !== 200) return dropped([describeBadStatus(status)]);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_RESPONSE_BYTES) return dropped([`the body is ${bytes} bytes: Okta accepts at most ${MAX_RESPONSE_BYTES} (256 KB)`]);

  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return dropped([`the body is not valid JSON: Okta logs "Could not deserialize inline hook response"`]);
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return dropped(['the body is not a JSON object with "commands" or "error"']);
  }
  const { commands, error } = answer as { commands?: unknown; error?: unknown };

  if (error !== undefined) {
    if (typeof error !== 'object' || error === null) return dropped(['"error" is not an object like {"errorSummary": "..."}']);
    const summary = (error as { errorSummary?: unknown }).errorSummary;
    const errorSummary = typeof summary === 'string' && summary !== '' ? summary : undefined;
    return {
      verdict: 'sign-in-fails',
      reasons: [
        'the hook answered Okta’s error object: Okta mints no token and the app gets error=server_error' +
          (errorSummary ? ', with the errorSummary as error_description' : ' (no errorSummary: users get Okta’s generic text)'),
        ...(commands !== undefined ? ['"commands" are ignored next to "error"'] : []),
      ],
      lifetimes: {},
      changes: [],
      ...(errorSummary ? { errorSummary } : {}),
    };
  }
  if (commands === undefined) return asMinted('unchanged', ['200 without commands: Okta mints the tokens as they are']);
  if (!Array.isArray(commands)) return dropped(['"commands" is not an array']);
  if (commands.length === 0) return asMinted('unchanged', ['200 with no commands: Okta mints the tokens as they are']);

  const outcome = applyCommands(commands, minted);
  if (outcome.problems.length > 0) return dropped(outcome.problems);
  return {
    verdict: 'applied',
    reasons: outcome.changes.map(({ token, op, path }) => `${op} ${path} in the ${TOKEN_NAME[token]}`),
    ...claimsOf(outcome.tokens),
    changes: outcome.changes,
  };
}

interface MintedToken {
  claims: Claims;
  lifetime?: number;
}
type MintedTokens = Partial<Record<TokenKind, MintedToken>>;

function mintedTokens(request: unknown): MintedTokens {
  const data = (request as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  const tokens: MintedTokens = {};
  for (const [kind, field] of [
    ['id', 'identity'],
    ['access', 'access'],
  ] as const) {
    const token = data[field] as { claims?: unknown; token?: { lifetime?: { expiration?: unknown } } } | undefined;
    if (typeof token !== 'object' || token === null) continue;
    const claims = typeof token.claims === 'object' && token.claims !== null ? structuredClone(token.claims as Claims) : {};
    const lifetime = token.token?.lifetime?.expiration;
    tokens[kind] = { claims, ...(typeof lifetime === 'number' ? { lifetime } : {}) };
  }
  return tokens;
}

function claimsOf(tokens: MintedTokens): Pick<Judgement, 'idTokenClaims' | 'accessTokenClaims' | 'lifetimes'> {
  const lifetimes: Judgement['lifetimes'] = {};
  if (tokens.id?.lifetime !== undefined) lifetimes.id = tokens.id.lifetime;
  if (tokens.access?.lifetime !== undefined) lifetimes.access = tokens.access.lifetime;
  return {
    ...(tokens.id ? { idTokenClaims: tokens.id.claims } : {}),
    ...(tokens.access ? { accessTokenClaims: tokens.access.claims } : {}),
    lifetimes,
  };
}

function applyCommands(commands: unknown[], minted: MintedTokens): { tokens: MintedTokens; changes: ClaimChange[]; problems: string[] } {
  const tokens = structuredClone(minted);
  const changes: ClaimChange[] = [];
  const problems: string[] = [];
  for (const [index, command] of commands.entries()) {
    const where = `commands[${index}]`;
    if (typeof command !== 'object' || command === null) {
      problems.push(`${where} is not an object`);
      continue;
    }
    const { type, value } = command as { type?: unknown; value?: unknown };
    const kind = (Object.keys(PATCH_COMMAND_TYPE) as TokenKind[]).find((token) => PATCH_COMMAND_TYPE[token] === type);
    const token = kind && tokens[kind];
    if (!kind) problems.push(`${where}.type ${JSON.stringify(type)} is not ${PATCH_COMMAND_TYPE.id} or ${PATCH_COMMAND_TYPE.access}`);
    else if (!token) problems.push(`${where} patches the ${TOKEN_NAME[kind]}, which this request is not minting (no ${TOKEN_FIELD[kind]})`);
    else if (!Array.isArray(value)) problems.push(`${where}.value is not an array of operations`);
    else {
      for (const [opIndex, operation] of value.entries()) {
        const problem = applyOperation(operation, kind, token, changes);
        if (problem) problems.push(`${where}.value[${opIndex}]: ${problem}`);
      }
    }
  }
  return { tokens, changes, problems };
}

/** Applies one operation to the token (mutated) and records it; returns why Okta refuses it instead. */
function applyOperation(operation: unknown, kind: TokenKind, token: MintedToken, changes: ClaimChange[]): string | undefined {
  if (typeof operation !== 'object' || operation === null) return 'is not an object';
  const { op, path } = operation as { op?: unknown; path?: unknown };
  const hasValue = Object.hasOwn(operation, 'value');
  const value = (operation as { value?: unknown }).value;
  if (typeof op !== 'string' || !OPS.includes(op)) return `op ${JSON.stringify(op)} is not add, replace or remove`;
  if (typeof path !== 'string') return `${op} has no path`;
  const patchOp = op as PatchOp;

  if (path === LIFETIME_PATH) {
    if (patchOp !== 'replace') return `${op} ${path}: only replace can change a token's lifetime`;
    const { min, max } = TOKEN_LIFETIME_SECONDS;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return `replace ${path}: ${JSON.stringify(value)} is outside ${min}..${max} seconds`;
    }
    changes.push({ token: kind, op: patchOp, path, ...(token.lifetime === undefined ? {} : { previous: token.lifetime }) });
    token.lifetime = value;
    return undefined;
  }

  const tokens = path.startsWith('/claims/') ? parseJsonPointer(path) : undefined;
  const claim = tokens?.[1];
  if (!tokens || !claim) return `${op} ${JSON.stringify(path)}: a path is /claims/<name> (a JSON pointer) or ${LIFETIME_PATH}`;
  if (isReservedClaim(claim, kind)) return `${op} ${path}: "${claim}" is a claim Okta reserves in the ${TOKEN_NAME[kind]}`;
  if (patchOp === 'remove' && hasValue) return `remove ${path} has a value: remove takes none`;
  if (patchOp !== 'remove') {
    if (!hasValue) return `${op} ${path} has no value`;
    if (value === null || typeof value === 'boolean') return `${op} ${path}: the value must be a string, number, object or array`;
  }
  const previous = Object.hasOwn(token.claims, claim) ? structuredClone(token.claims[claim]) : undefined;
  const refusal = applyPatchOp(token.claims, patchOp, tokens.slice(1), value);
  if (refusal) {
    const missingClaim = tokens.length === 2 && refusal === 'it does not exist';
    return `${op} ${path}: ${missingClaim ? `the ${TOKEN_NAME[kind]} has no claim "${claim}"` : refusal}`;
  }
  changes.push({ token: kind, op: patchOp, path, claim, ...(previous === undefined ? {} : { previous }) });
  return undefined;
}

function describeBadStatus(status: number): string {
  if (status >= 300 && status < 400) return `status ${status}: Okta does not follow redirects`;
  if (status === 401 || status === 403) return `status ${status}: the hook refused the credential; Okta needs 200 (or 204 for no change)`;
  return `status ${status}: Okta needs 200 (or 204 for no change)`;
}

type Paint = (colour: Colour, text: string) => string;

const HEADLINES: Record<Judgement['verdict'], [Colour, string]> = {
  applied: ['green', 'Okta applies the answer'],
  unchanged: ['green', 'Okta mints the tokens unchanged'],
  dropped: ['red', 'Okta drops the patch and mints the tokens without the hook’s changes, because'],
  'sign-in-fails': ['red', 'Sign-in fails: Okta mints no token'],
};
const TOKENS: Array<[TokenKind, string, 'idTokenClaims' | 'accessTokenClaims', string]> = [
  ['id', 'ID token', 'idTokenClaims', 'data.identity'],
  ['access', 'Access token', 'accessTokenClaims', 'data.access'],
];

/** What Okta would do, for people: the verdict, its reasons, and the claims of each token minted. */
export function formatJudgement(judgement: Judgement, paint: Paint): string {
  const [colour, headline] = HEADLINES[judgement.verdict];
  const lines = [paint('bold', paint(colour, `${headline}:`)), ...judgement.reasons.map((reason) => `  - ${reason}`)];
  if (judgement.verdict === 'sign-in-fails') {
    lines.push(
      '  The app receives error=server_error; users see:',
      `    ${JSON.stringify(judgement.errorSummary ?? 'Okta’s generic error text')}`,
    );
    return `${lines.join('\n')}\n`;
  }
  for (const [kind, name, field, source] of TOKENS) {
    const claims = judgement[field];
    lines.push('');
    if (!claims) {
      lines.push(paint('dim', `${name}: not being minted (the request has no ${source})`));
      continue;
    }
    const changes = judgement.changes.filter((change) => change.token === kind);
    lines.push(`${name} claims:`, ...formatClaims(claims, changes, paint));
    const lifetime = judgement.lifetimes[kind];
    const lifetimeChange = changes.find((change) => change.claim === undefined);
    if (lifetimeChange) lines.push(paint('yellow', `~ lifetime: ${lifetimeChange.previous ?? '?'} s → ${lifetime} s`));
    else if (lifetime !== undefined) lines.push(paint('dim', `  lifetime: ${lifetime} s`));
  }
  return `${lines.join('\n')}\n`;
}

// Marks the net effect on each claim: added, changed (with its old value) or removed.
function formatClaims(claims: Claims, changes: ClaimChange[], paint: Paint): string[] {
  const firstChange = new Map<string, ClaimChange>();
  for (const change of changes) if (change.claim !== undefined && !firstChange.has(change.claim)) firstChange.set(change.claim, change);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(claims)) {
    const line = `${name}: ${JSON.stringify(value)}`;
    const change = firstChange.get(name);
    if (!change) lines.push(`  ${line}`);
    else if (change.previous === undefined) lines.push(paint('green', `+ ${line}`));
    else lines.push(`${paint('yellow', `~ ${line}`)}${paint('dim', `  (was ${JSON.stringify(change.previous)})`)}`);
  }
  for (const [name, change] of firstChange) {
    if (!Object.hasOwn(claims, name)) lines.push(paint('red', `- ${name}: ${JSON.stringify(change.previous)}  (removed)`));
  }
  return lines;
}
