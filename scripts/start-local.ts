import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApiGatewayServer } from '../local/api-gateway-server.ts';
import { describeExit } from '../local/embedded-dynamodb.ts';
import { localHookEnvironment, prepareLocalStore } from '../local/local-environment.ts';
import { startBanner } from '../local/start-banner.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.data/dynamodb');
const store = await prepareLocalStore(process.env, dataDir).catch((error: unknown) => {
  // A taken DYNAMODB_PORT, say: the message says it all, a stack trace would bury it.
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
Object.assign(process.env, localHookEnvironment(process.env, store.endpoint));

// The very module Lambda loads: it reads process.env at import, as it does in AWS.
const { handler } = await import('../lambda/handler.ts');
const server = createApiGatewayServer(handler);
await new Promise<void>((ready) => server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', ready));

const { port } = server.address() as AddressInfo;
const url = `http://127.0.0.1:${port}${process.env.HOOK_PATH ?? '/tokenHook'}`;
const storeLine = store.embedded
  ? `embedded DynamoDB at ${store.endpoint} (process ${store.embedded.pid}), data in ${dataDir}`
  : store.endpoint;
for (const line of startBanner(process.env, url, storeLine)) console.log(line);

let stopping = false;
const stop = (exitCode: number) => {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close(() => {
    void (store.embedded?.close() ?? Promise.resolve()).then(() => process.exit(exitCode));
  });
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// Without its store the hook would answer every sign-in by the failure policy: better to stop and say so.
void store.embedded?.exited.then((exit) => {
  if (stopping) return;
  console.error(`npm start: the embedded DynamoDB store (process ${store.embedded?.pid}) stopped with ${describeExit(exit)}; stopping the hook too.`);
  stop(1);
});
