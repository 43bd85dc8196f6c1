import type { TokenKind } from '../../lambda/core/hook-request.ts';
import type { Colour } from '../cli/output.ts';
import type { ClaimChange, Claims, Judgement } from './response-judge.ts';

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
