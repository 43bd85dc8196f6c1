/**
 * npm run demo: see the hook work in a browser. On 127.0.0.1: the hook as `npm start` runs it, a local
 * OpenID provider (oidc-provider) that calls it as Okta does, and a web app whose "My profile" page
 * lists the ID token's claims. With OKTA_ISSUER and OKTA_CLIENT_ID, the app alone, signing in through
 * that Okta org (whose hook is the deployed one). docs/demo.md says more.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { EXIT, processIo, UsageError } from '../tools/cli/run-command.ts';
import { demoCommandLine } from '../demo/demo-command-line.ts';
import { demoSettings, type LocalSettings, type OktaSettings } from '../demo/demo-settings.ts';
import { type HookProcess, startHookProcess } from '../demo/hook-process.ts';
import { MintReports } from '../demo/mint-reports.ts';
import { checkPortFree, listenLocally } from '../local/ports.ts';
import { DEMO_USERS } from '../demo/users.ts';
import { createWebApp, type WebApp } from '../demo/web-app.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();
const say = (line: string) => console.log(line);
const fail = (error: unknown): never => {
  console.error(`npm run demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? EXIT.usage : EXIT.failed);
};

const commandLineExit = demoCommandLine(process.argv.slice(2), processIo());
if (commandLineExit !== undefined) process.exit(commandLineExit);

const settings = (() => {
  try {
    return demoSettings(process.env);
  } catch (error) {
    return fail(error);
  }
})();

// The app's handler is set once the provider is up: its URL must be known to register its redirect URI.
let app: WebApp | undefined;
const appServer = createServer((request, response) => {
  if (app) app.handle(request, response);
  else response.writeHead(503, { 'retry-after': '1' }).end('starting');
});
const closers: Array<() => Promise<void>> = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Last started, first stopped: the app, the provider, then the hook (which stops its store).
  for (const close of closers.reverse()) await close().catch(() => undefined);
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function closeServer(server: ReturnType<typeof createServer>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

async function startLocal(local: LocalSettings): Promise<void> {
  const providerServer = createServer();
  const appPort = await listenLocally(appServer, local.appPort, 'DEMO_PORT');
  closers.push(closeServer(appServer));
  const issuerPort = await listenLocally(providerServer, local.issuerPort, 'DEMO_ISSUER_PORT');
  closers.push(closeServer(providerServer));
  await checkPortFree(local.hookPort, 'DEMO_HOOK_PORT');

  // oidc-provider warns as it loads (Node.js 20 is past its support): after the ports, so a taken one stays one line.
  const { createLocalProvider } = await import('../demo/local-provider.ts');
  const hook: HookProcess = await startHookProcess(local.hookEnv, (line) => say(`hook | ${line}`));
  closers.splice(0, 0, () => hook.stop());
  void hook.exited.then(({ code, signal }) => {
    if (stopping) return;
    say(
      `hook | stopped (${signal ?? `exit code ${code}`}): the provider goes on minting tokens without the hook's claims, as Okta does when its hook does not answer`,
    );
  });

  const appUrl = `http://127.0.0.1:${appPort}`;
  const issuer = `http://127.0.0.1:${issuerPort}`;
  const reports = new MintReports();
  const client = { id: 'patient-profile-demo', secret: randomBytes(24).toString('base64url') };
  const { handle } = await createLocalProvider({
    issuer,
    client: { ...client, redirectUri: `${appUrl}/callback`, postLogoutRedirectUri: `${appUrl}/` },
    hook: { url: hook.url, authorization: local.hookAuthorization },
    hookClaims: [local.claimName],
    reports,
    log: (line) => say(`provider | ${line}`),
  });
  providerServer.on('request', handle);
  app = await createWebApp({
    appUrl,
    issuer,
    clientId: client.id,
    clientSecret: client.secret,
    claimName: local.claimName,
    reports,
    allowHttpIssuer: true,
    promptLogin: true,
  });

  for (const line of hook.banner) say(`hook | ${line}`);
  say('');
  say(`Patient profile demo: open ${appUrl}/`);
  say(`  OpenID provider (oidc-provider, in place of Okta's authorization server): ${issuer}`);
  say(`  It calls the token hook at ${hook.url} (process ${hook.pid}) each time it mints tokens.`);
  say('  Sign in as:');
  const width = (column: 'login' | 'password') => Math.max(...DEMO_USERS.map((user) => user[column].length));
  for (const user of DEMO_USERS)
    say(`    ${user.login.padEnd(width('login'))}  password ${user.password.padEnd(width('password'))}  (${user.note})`);
  say('Ctrl-C stops it all.');
}

async function startOkta(okta: OktaSettings): Promise<void> {
  const appPort = await listenLocally(appServer, okta.appPort, 'DEMO_PORT');
  closers.push(closeServer(appServer));
  const appUrl = `http://127.0.0.1:${appPort}`;
  app = await createWebApp({
    appUrl,
    issuer: okta.issuer,
    clientId: okta.clientId,
    clientSecret: okta.clientSecret,
    claimName: okta.claimName,
  }).catch((error: unknown) => fail(new Error(`cannot read ${okta.issuer}/.well-known/openid-configuration: ${(error as Error).message}`)));
  say(`Patient profile demo: open ${appUrl}/`);
  say(
    `  Signing in through ${okta.issuer} as client ${okta.clientId} (${okta.clientSecret ? 'with its client secret' : 'public client, PKCE only'}).`,
  );
  say(`  The app integration's sign-in redirect URI must be ${appUrl}/callback, its sign-out redirect URI ${appUrl}/`);
  say('Ctrl-C stops it.');
}

await (settings.mode === 'okta' ? startOkta(settings) : startLocal(settings)).catch(async (error: unknown) => {
  const exitCode = error instanceof UsageError ? EXIT.usage : EXIT.failed;
  console.error(`npm run demo: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(exitCode);
});
