import { html, type Html, page } from './html.ts';
import type { MintReport } from './mint-reports.ts';

export const SITE = 'Patient profile demo';

export interface ProfileView {
  claims: Record<string, unknown>;
  /** The claim the hook adds (extPatientId unless CLAIM_NAME says otherwise). */
  claimName: string;
  /** What the local provider did with the hook's answer; absent against an Okta org. */
  report?: MintReport;
  /** Where the user signed in: "the local provider" or the Okta issuer. */
  signedInAt: string;
}

export function homePage({ signedIn, signedInAt }: { signedIn: boolean; signedInAt: string }): string {
  return page(
    'Home',
    html`<h1>${SITE}</h1>
<p>Sign in through ${signedInAt}. When it mints your tokens it calls the Okta token inline hook, which
adds your patient id to the ID token if you are a patient. Your profile page lists the ID token's claims.</p>
${signedIn ? html`<p><a href="/profile">My profile</a></p>` : html`<p><a href="/login">Sign in</a></p>`}`,
    { site: SITE, ...(signedIn ? { nav: signOutForm() } : {}) },
  );
}

export function profilePage({ claims, claimName, report, signedInAt }: ProfileView): string {
  const value = claims[claimName];
  const summary =
    value !== undefined
      ? html`<section class="highlight" aria-labelledby="patient-id">
  <h2 id="patient-id">Your patient id</h2>
  <p><strong class="value" data-claim="${claimName}">${typeof value === 'string' ? value : JSON.stringify(value)}</strong>
  The claim <code>${claimName}</code>, added to your ID token by the token hook.</p>
</section>`
      : html`<section class="notice" aria-labelledby="patient-id">
  <h2 id="patient-id">No patient id</h2>
  <p>${noClaimSentence(claimName, report)}</p>
</section>`;
  return page(
    'My profile',
    html`<h1>My profile</h1>
${summary}
${report ? reportSection(report) : ''}
<table>
  <caption>Claims in your ID token, from ${signedInAt}</caption>
  <thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>
  <tbody>
${Object.entries(claims).map(([name, claim]) => html`    <tr><th scope="row"><code>${name}</code></th><td><code>${showClaim(name, claim)}</code></td></tr>\n`)}
  </tbody>
</table>`,
    { site: SITE, nav: signOutForm() },
  );
}

export function signInFailedPage({ error, description }: { error: string; description?: string | undefined }): string {
  return page(
    'Sign-in failed',
    html`<h1>Sign-in failed</h1>
<div class="problem" role="alert">
  <p><strong>${description ?? 'The sign-in did not complete.'}</strong></p>
  <p>OAuth error: <code>${error}</code></p>
</div>
<p><a href="/login">Try again</a> or go <a href="/">home</a>.</p>`,
    { site: SITE },
  );
}

function noClaimSentence(claimName: string, report: MintReport | undefined): string {
  if (!report)
    return `Your ID token has no ${claimName} claim: you are not a patient, or the hook did not add it (the org's System Log says why).`;
  if (report.verdict === 'unchanged') return `You are not a patient: the hook added nothing, so your ID token has no ${claimName} claim.`;
  if (report.verdict === 'dropped')
    return `Your ID token has no ${claimName} claim: the hook's answer was not applied, so the tokens were minted as they were. Why is below.`;
  return `Your ID token has no ${claimName} claim.`;
}

function reportSection(report: MintReport): Html {
  return html`<section aria-labelledby="hook-answer">
  <h2 id="hook-answer">What the provider did with the hook's answer</h2>
  <p>Verdict: <strong>${report.verdict}</strong></p>
  <ul>
${report.reasons.map((reason) => html`    <li>${reason}</li>\n`)}
  </ul>
</section>`;
}

const TIMES = new Set(['iat', 'exp', 'auth_time', 'updated_at']);

function showClaim(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return TIMES.has(name) && typeof value === 'number' ? `${text} (${new Date(value * 1000).toISOString()})` : text;
}

function signOutForm(): Html {
  return html`<form method="post" action="/logout"><button class="secondary" type="submit">Sign out</button></form>`;
}
