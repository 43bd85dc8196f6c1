// @ts-check
// Plain JavaScript, type-checked from its JSDoc: the store's own process (dynamodb-process.mjs) runs on
// node alone, without tsx, which would more than double what every npm start and test store costs to start.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// LevelDB tells a second opener only that the folder is locked; the holder leaves its pid beside it.
export const HOLDER_FILE = 'store.pid';

/**
 * DynamoDB's API (dynalite on LevelDB) in this process: no Docker, no Java, no AWS account. Quick to
 * start, but it shares the caller's event loop: under a burst the hook's own work delays every answer.
 *
 * @param {import('./embedded-dynamodb.ts').EmbeddedDynamoDbOptions} [options]
 * @returns {Promise<import('./embedded-dynamodb.ts').EmbeddedDynamoDb>}
 */
export async function startEmbeddedDynamoDb({ host = '127.0.0.1', port = 0, dataDir } = {}) {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Loaded here, not with the module: npm start only starts the process that runs this, and need not load it.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir ? { path: dataDir } : {}) });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  if (dataDir) writeFileSync(join(dataDir, HOLDER_FILE), String(process.pid));
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          if (dataDir) rmSync(join(dataDir, HOLDER_FILE), { force: true });
          resolve();
        });
      }),
  };
}
