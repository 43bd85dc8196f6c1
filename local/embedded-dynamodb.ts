import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedDynamoDb {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedDynamoDbOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A folder for LevelDB files; in memory when absent. */
  dataDir?: string;
}

/** DynamoDB's API (dynalite on LevelDB) in this process: no Docker, no Java, no AWS account. */
export async function startEmbeddedDynamoDb({ host = '127.0.0.1', port = 0, dataDir }: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir ? { path: dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
