import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStore, prepareLocalStore } from '../../local/local-environment.ts';
import { DEMO_USERS } from '../../demo/users.ts';

// Chromium's headless shell, as Playwright itself runs headless: the same engine without the desktop
// browser's GPU and background processes, at about two thirds of the CPU for this file. Debian's full
// chromium when only that is installed.
const CHROMIUM =
  process.env.CHROMIUM_PATH ||
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((path) => existsSync(path)) ||
  '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser)
  console.log(
    `test/demo/sign-in.test.ts: no Chromium at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium-headless-shell or /usr/bin/chromium'} (set CHROMIUM_PATH or apt-get install chromium-headless-shell): the browser test is skipped`,
  );

const FAILURE_MESSAGE = 'Patient records are unavailable: sign-in is paused.';
const SCREENSHOT = fileURLToPath(new URL('../../docs/demo-profile.png', import.meta.url));
const user = (login: string) => DEMO_USERS.find((candidate) => candidate.login === login) as (typeof DEMO_USERS)[number];

/**
 * `npm run demo` in a real browser: the hook (closed failure mode, on a store this file owns so it can
 * stop it), the local provider and the app, started once; each sign-in in a fresh browser context.
 */
describe.skipIf(!hasBrowser)('npm run demo, signed in with headless Chromium', () => {
  let store: LocalStore;
  let demo: ChildProcess;
  let output = '';
  let appUrl: string;
  let hookPid: number;
  let browser: Browser;

  beforeAll(async () => {
    [store, browser] = await Promise.all([
      prepareLocalStore({ DYNAMODB_PORT: '0' }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: store.endpoint, FAILURE_MODE: 'closed', FAILURE_MESSAGE, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ctrl-C stops it all.')) resolve();
      };
      demo.stdout?.on('data', read);
      demo.stderr?.on('data', read);
      demo.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}: ${output}`)));
    });
    appUrl = (/open (\S+)/.exec(output)?.[1] ?? '').replace(/\/$/, '');
    hookPid = Number(/token hook at \S+ \(process (\d+)\)/.exec(output)?.[1]);
  });

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo.once('exit', resolve));
      demo.kill('SIGTERM');
      await exited;
    }
    await store?.embedded?.close();
  });

  async function signIn(login: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Username').fill(login);
    await page.getByLabel('Password').fill(user(login).password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/profile' || url.pathname === '/callback');
    return page;
  }

  it('shows jessie.smith the patient id 1235 that the hook added to her ID token', async () => {
    const page = await signIn('jessie.smith@example.com');
    expect(await page.getByRole('heading', { name: 'My profile' }).isVisible()).toBe(true);
    expect(await page.locator('[data-claim="extPatientId"]').textContent()).toBe('1235');
    const row = page.getByRole('row', { name: /extPatientId/ });
    expect(await row.getByRole('cell').textContent()).toBe('1235');
    expect(await page.getByText('Verdict: applied').isVisible()).toBe(true);
    if (process.env.DEMO_SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.context().close();
  });

  it('tells the non-patient plainly that there is no patient id, and signs out of the app and the provider', async () => {
    const page = await signIn('alex.doe@example.com');
    expect(await page.getByRole('heading', { name: 'No patient id' }).isVisible()).toBe(true);
    expect(await page.getByText('You are not a patient').isVisible()).toBe(true);
    expect(await page.getByRole('row', { name: /extPatientId/ }).count()).toBe(0);
    expect(
      await page
        .getByRole('row', { name: /preferred_username/ })
        .getByRole('cell')
        .textContent(),
    ).toBe('alex.doe@example.com');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${appUrl}/`);
    expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.goto(`${appUrl}/profile`);
    expect(new URL(page.url()).pathname, 'signed out of the app: the profile sends you home').toBe('/');
    await page.context().close();
  });

  it('fails the sign-in with the hook’s message when the hook answers an error (closed mode, store down)', async () => {
    await store.embedded?.close();
    const page = await signIn('jessie.smith@example.com');
    expect(await page.getByRole('heading', { name: 'Sign-in failed' }).isVisible()).toBe(true);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain(FAILURE_MESSAGE);
    expect(await alert.textContent()).toContain('server_error');
    await page.context().close();
  });

  it('mints the tokens without the claim, as Okta does, when the hook does not answer at all', async () => {
    process.kill(hookPid, 'SIGTERM');
    await expect.poll(() => output).toContain('hook | stopped');
    const page = await signIn('jessie.smith@example.com');
    expect(await page.getByRole('heading', { name: 'No patient id' }).isVisible()).toBe(true);
    expect(await page.getByText("the hook's answer was not applied").isVisible()).toBe(true);
    expect(await page.getByText(/no answer from http:\/\/127\.0\.0\.1:\d+\/tokenHook: ECONNREFUSED/).isVisible()).toBe(true);
    expect(await page.getByRole('row', { name: /extPatientId/ }).count()).toBe(0);
    await page.context().close();
  });

  it('stops the provider, the app and itself on SIGTERM, exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(appUrl)).rejects.toThrow();
  });
});
