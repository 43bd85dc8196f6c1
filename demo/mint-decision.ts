import { isReservedClaim } from '../lambda/config.ts';
import type { TokenKind } from '../lambda/core/hook-request.ts';
import type { HookRequestBody } from '../tools/okta/request-shapes.ts';
import { type Claims, judgeHookResponse, type Verdict } from '../tools/okta/response-judge.ts';

/** What came back from the hook: an HTTP answer, or nothing within Okta's 3 s (refused, reset, timed out). */
export type HookAnswer =
  | { kind: 'answered'; status: number; body: string; elapsedMs: number }
  | { kind: 'no-answer' /** e.g. "no answer from <url>: ECONNREFUSED" */; reason: string; elapsedMs: number };

/** What the provider mints after asking the hook, decided as Okta decides it. */
export interface MintDecision {
  verdict: Verdict;
  /** Why, one line each, for the profile page. */
  reasons: string[];
  /** The ID token's user claims (none of the ones the provider sets itself); undefined when no ID token is minted. */
  idTokenClaims?: Claims;
  /** Claims the hook added or changed in the access token. */
  accessTokenExtra: Claims;
  /** Token lifetimes in seconds, as the hook may have replaced them. */
  lifetimes: Partial<Record<TokenKind, number>>;
  /** Set when the sign-in fails: what the app is told (Okta's error_description). */
  signInError?: string;
}

/** The text Okta shows when the hook's `error` object has no errorSummary (Okta's token hook reference). */
export const DEFAULT_HOOK_ERROR = 'The callback service returned an error';

/**
 * Applies the hook's answer with the project's model of Okta (tools/okta/response-judge.ts): commands
 * applied whole or dropped whole, 204 or any failure mints unchanged, an `error` object fails the
 * sign-in. No answer within 3 s is a failure too: the tokens are minted as the request shows them. Pure.
 */
export function decideMint(request: HookRequestBody, answer: HookAnswer): MintDecision {
  if (answer.kind === 'no-answer') {
    const reasons = [`${answer.reason}: Okta never retries, and mints the tokens as they are`];
    return { verdict: 'dropped', reasons, ...unchangedClaims(request), accessTokenExtra: {}, lifetimes: requestLifetimes(request) };
  }
  const judgement = judgeHookResponse({ request, status: answer.status, body: answer.body, elapsedMs: answer.elapsedMs });
  if (judgement.verdict === 'sign-in-fails') {
    return {
      verdict: judgement.verdict,
      reasons: judgement.reasons,
      accessTokenExtra: {},
      lifetimes: {},
      signInError: judgement.errorSummary ?? DEFAULT_HOOK_ERROR,
    };
  }
  return {
    verdict: judgement.verdict,
    reasons: judgement.reasons,
    ...(judgement.idTokenClaims ? { idTokenClaims: userClaims(judgement.idTokenClaims) } : {}),
    accessTokenExtra: changedClaims(request.data?.access?.claims ?? {}, judgement.accessTokenClaims ?? {}),
    lifetimes: judgement.lifetimes,
  };
}

function unchangedClaims(request: HookRequestBody): Pick<MintDecision, 'idTokenClaims'> {
  const claims = request.data?.identity?.claims as Claims | undefined;
  return claims ? { idTokenClaims: userClaims(claims) } : {};
}

function requestLifetimes(request: HookRequestBody): MintDecision['lifetimes'] {
  const lifetimes: MintDecision['lifetimes'] = {};
  const id = request.data?.identity?.token?.lifetime?.expiration;
  const access = request.data?.access?.token?.lifetime?.expiration;
  if (typeof id === 'number') lifetimes.id = id;
  if (typeof access === 'number') lifetimes.access = access;
  return lifetimes;
}

// The reserved claims (iss, aud, nonce, auth_time, sub...) are the provider's to set; the hook cannot touch them anyway.
function userClaims(claims: Claims): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !isReservedClaim(name, 'id')));
}

function changedClaims(before: Claims, after: Claims): Claims {
  return Object.fromEntries(
    Object.entries(after).filter(
      ([name, value]) => !isReservedClaim(name, 'access') && JSON.stringify(before[name]) !== JSON.stringify(value),
    ),
  );
}
