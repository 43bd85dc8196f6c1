import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApiGatewayServer } from '../local/api-gateway-server.ts';
import { localHookEnvironment, prepareLocalStore } from '../local/local-environment.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.data/dynamodb');
const store = await prepareLocalStore(process.env, dataDir);
Object.assign(process.env, localHookEnvironment(process.env, store.endpoint));

// The very module Lambda loads: it reads process.env at import, as it does in AWS.
const { handler } = await import('../lambda/handler.ts');
const server = createApiGatewayServer(handler);
await new Promise<void>((ready) => server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', ready));

const { port } = server.address() as AddressInfo;
const url = `http://127.0.0.1:${port}${process.env.HOOK_PATH ?? '/tokenHook'}`;
const oauth = process.env.HOOK_AUTH === 'oauth';
const authorization = oauth
  ? 'Bearer <access token>'
  : `Basic ${Buffer.from(`${process.env.HOOK_USERNAME}:${process.env.HOOK_PASSWORD}`).toString('base64')}`;
console.log(`Okta token hook listening on ${url}`);
console.log(`Patients store: ${store.embedded ? `embedded DynamoDB at ${store.endpoint}, data in ${dataDir}` : store.endpoint}`);
if (oauth) console.log(`Callers need an access token from ${process.env.OAUTH_ISSUER} for ${process.env.OAUTH_AUDIENCE} with scope ${process.env.OAUTH_SCOPE}`);
else console.log(`Credential: ${process.env.HOOK_USERNAME} / ${process.env.HOOK_PASSWORD}  (authorization: ${authorization})`);
console.log('Try it:');
console.log(`  curl -i ${url} -H 'authorization: ${authorization}' -H 'content-type: application/json' --data @test/fixtures/okta-example-patient.json`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close(() => {
    void (store.embedded?.close() ?? Promise.resolve()).then(() => process.exit(0));
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
