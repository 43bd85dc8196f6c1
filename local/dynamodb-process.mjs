// @ts-check
/**
 * The embedded store as a process of its own, as DynamoDB is in AWS: a burst of requests to the hook
 * then cannot starve the store of its event loop and make every lookup miss its deadline. Plain
 * JavaScript (see dynalite-store.mjs), so node starts it without tsx.
 *
 *   node local/dynamodb-process.mjs [--port 8000] [--host 127.0.0.1] [--data-dir .data/dynamodb]
 *
 * Started by startEmbeddedDynamoDbProcess (local/embedded-dynamodb.ts), it reports its endpoint over
 * IPC and stops when its parent goes; run by hand, it prints the endpoint as its first stdout line.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedDynamoDb } from './dynalite-store.mjs';

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' } },
  strict: true,
});
/** @param {import('./embedded-dynamodb.ts').DynamoDbProcessMessage} message */
const report = (message) => new Promise((resolve) => process.send?.(message, () => resolve(undefined)));

try {
  const store = await startEmbeddedDynamoDb({
    ...(values.host ? { host: values.host } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    void store.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', close);
  if (process.send) {
    // The parent stops it: Ctrl-C reaches the whole process group, and the store must outlive the
    // hook's last request. A parent that dies any other way closes the channel.
    process.on('SIGINT', () => {});
    process.on('disconnect', close);
    await report({ endpoint: store.endpoint, port: store.port });
  } else {
    process.on('SIGINT', close);
    console.log(store.endpoint);
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (process.send) await report({ error: message });
  else console.error(`embedded DynamoDB did not start: ${message}`);
  process.exit(1);
}
