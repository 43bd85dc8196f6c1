import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DynamoDbProcessMessage } from './dynamodb-process.ts';

export interface EmbeddedDynamoDb {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedDynamoDbProcess extends EmbeddedDynamoDb {
  pid: number;
  /** Settles when the store process ends, whoever ended it: close(), a crash, a kill. */
  readonly exited: Promise<ProcessExit>;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EmbeddedDynamoDbOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A folder for LevelDB files; in memory when absent. */
  dataDir?: string;
}

/**
 * DynamoDB's API (dynalite on LevelDB) in this process: no Docker, no Java, no AWS account. Quick to
 * start, but it shares the caller's event loop: under a burst the hook's own work delays every answer.
 */
export async function startEmbeddedDynamoDb({
  host = '127.0.0.1',
  port = 0,
  dataDir,
}: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDb> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Loaded here, not with the module: npm start only starts the process that runs this, and need not load it.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir ? { path: dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  if (dataDir) writeFileSync(join(dataDir, HOLDER_FILE), String(process.pid));
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          if (dataDir) rmSync(join(dataDir, HOLDER_FILE), { force: true });
          resolve();
        });
      }),
  };
}

// LevelDB tells a second opener only that the folder is locked; the holder leaves its pid beside it.
const HOLDER_FILE = 'store.pid';

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether another process has the store's folder open (LevelDB allows one): undefined when it is free,
 * else that process's pid when it left one, or 0. dynalite itself would find out only at the first
 * request, and throw "Database is closed" from a callback.
 */
export async function storeHolder(dataDir: string): Promise<number | undefined> {
  // dynalite's own LevelDB binding, resolved from dynalite, so the version is the one it opens.
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (path: string) => LevelDatabase;
  };
  mkdirSync(dataDir, { recursive: true });
  const database = new Level(dataDir);
  try {
    await database.open();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'LEVEL_LOCKED') throw error;
    try {
      return Number(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) || 0;
    } catch {
      return 0;
    }
  }
  await database.close();
  return undefined;
}

const PROCESS_ENTRY = fileURLToPath(new URL('./dynamodb-process.ts', import.meta.url));
// dynalite closes its connections and LevelDB in milliseconds; a store that does not is not waited for.
const CLOSE_GRACE_MS = 5000;

/**
 * The same store in a process of its own (local/dynamodb-process.ts), as DynamoDB is in AWS. It stops
 * when close() is called or when this process goes, however it goes.
 */
export async function startEmbeddedDynamoDbProcess({
  host,
  port,
  dataDir,
}: EmbeddedDynamoDbOptions = {}): Promise<EmbeddedDynamoDbProcess> {
  const args = [
    ...(host ? ['--host', host] : []),
    ...(port !== undefined ? ['--port', String(port)] : []),
    ...(dataDir ? ['--data-dir', dataDir] : []),
  ];
  // The entry is TypeScript, whatever runs this file (tsx, vitest): the child loads it with tsx.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(PROCESS_ENTRY, args, { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise<DynamoDbProcessMessage>((resolve, reject) => {
    child.once('message', (message) => resolve(message as DynamoDbProcessMessage));
    child.once('error', reject);
    void exited.then(({ code, signal }) =>
      reject(new Error(`embedded DynamoDB exited (${describeExit({ code, signal })}) before it was ready`)),
    );
  });
  if ('error' in ready) {
    await exited;
    throw new Error(`embedded DynamoDB did not start: ${ready.error}`);
  }
  // A caller that forgets close() can still exit; the store follows it when the IPC channel closes.
  child.unref();
  child.channel?.unref();
  return {
    endpoint: ready.endpoint,
    port: ready.port,
    pid: child.pid as number,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.ref();
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(force);
      }
    },
  };
}

/** "exit code 1" or "signal SIGKILL", for one-line messages. */
export function describeExit({ code, signal }: ProcessExit): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}
