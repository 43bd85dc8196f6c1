import { resolve } from 'node:path';
import { DEFAULT_HOOK_PATH } from '../lambda/config.ts';
import { createApiGatewayServer } from '../local/api-gateway-server.ts';
import { describeExit } from '../local/embedded-dynamodb.ts';
import { localHookEnvironment, prepareLocalStore } from '../local/local-environment.ts';
import { checkPortFree, listenLocally, portSetting } from '../local/ports.ts';
import { startBanner } from '../local/start-banner.ts';
import { startCommandLine } from '../local/start-command-line.ts';
import { EXIT, processIo, UsageError } from '../tools/cli/run-command.ts';
import { loadLocalSettings } from '../tools/cli/local-settings.ts';

loadLocalSettings();
// A taken port or a store held by another npm start: one line that says what to change, not a stack trace.
const fail = (error: unknown): never => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? EXIT.usage : EXIT.failed);
};
const commandLineExit = startCommandLine(process.argv.slice(2), processIo());
if (commandLineExit !== undefined) process.exit(commandLineExit);
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.data/dynamodb');
let hookPort = 0;
try {
  hookPort = portSetting(process.env, 'PORT', 3000);
  // Before the store starts, so a taken port leaves nothing behind; listen below still catches a race.
  await checkPortFree(hookPort, 'PORT');
} catch (error) {
  fail(error);
}
const store = await prepareLocalStore(process.env, dataDir).catch(fail);
Object.assign(process.env, localHookEnvironment(process.env, store.endpoint));

// The very module Lambda loads: it reads process.env at import, as it does in AWS.
const { handler } = await import('../lambda/handler.ts');
const server = createApiGatewayServer(handler);
const port = await listenLocally(server, hookPort, 'PORT').catch(async (error: unknown) => {
  await store.embedded?.close();
  return fail(error);
});
const url = `http://127.0.0.1:${port}${process.env.HOOK_PATH ?? DEFAULT_HOOK_PATH}`;
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
  console.error(
    `npm start: the embedded DynamoDB store (process ${store.embedded?.pid}) stopped with ${describeExit(exit)}; stopping the hook too.`,
  );
  stop(1);
});
