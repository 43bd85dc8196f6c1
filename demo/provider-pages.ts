import { Html, html, page } from './html.ts';
import type { DemoUser } from './users.ts';

const SITE = 'Local OpenID provider (standing in for Okta)';

/** The sign-in form, with every demo user and their password in plain sight. */
export function signInPage({
  action,
  users,
  problem,
  login,
}: {
  action: string;
  users: readonly DemoUser[];
  problem?: string;
  login?: string;
}): string {
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<form method="post" action="${action}">
  <label for="login">Username</label>
  <input id="login" name="login" type="email" autocomplete="username" required value="${login ?? ''}" ${problem ? '' : html`autofocus`}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required ${problem ? html`autofocus` : ''}>
  <p><button type="submit">Sign in</button></p>
</form>
<table>
  <caption>Demo users (this is a demo: the passwords are not secret)</caption>
  <thead><tr><th scope="col">Username</th><th scope="col">Password</th><th scope="col">Who</th></tr></thead>
  <tbody>
${users.map((user) => html`    <tr><td><code>${user.login}</code></td><td><code>${user.password}</code></td><td>${user.note}</td></tr>\n`)}
  </tbody>
</table>`,
    { site: SITE },
  );
}

/** An error the provider shows itself (an expired sign-in, a bad request), as OAuth names it. */
export function providerErrorPage(out: { error?: string | undefined; error_description?: string | undefined }): string {
  return page(
    'Sign-in problem',
    html`<h1>Sign-in problem</h1>
<p class="problem" role="alert"><strong>${out.error ?? 'error'}</strong>${out.error_description ? html`: ${out.error_description}` : ''}</p>
<p class="hint">Go back to the app and sign in again.</p>`,
    { site: SITE },
  );
}

/** RP-initiated logout asks before ending the provider's session; `form` is oidc-provider's own (hidden fields). */
export function signOutPage(form: string): string {
  return page(
    'Sign out',
    html`<h1>Sign out of the provider too?</h1>
<p>You signed out of the app. Signing out here too means the next sign-in asks for a password again.</p>
${new Html(form)}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button></p>`,
    { site: SITE },
  );
}

/** After a sign-out that names no page to go back to. */
export function signedOutPage(): string {
  return page('Signed out', html`<h1>Signed out</h1><p>You are signed out of the provider.</p>`, { site: SITE });
}
