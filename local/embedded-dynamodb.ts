import { fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOLDER_FILE } from './dynalite-store.mjs';

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

/** What the store's process (dynamodb-process.mjs) reports over IPC once it listens, or why it could not. */
export type DynamoDbProcessMessage = { endpoint: string; port: number } | { error: string };

export interface EmbeddedDynamoDbOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A folder for LevelDB files; in memory when absent. */
  dataDir?: string;
}

export { startEmbeddedDynamoDb } from './dynalite-store.mjs';

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

const PROCESS_ENTRY = fileURLToPath(new URL('./dynamodb-process.mjs', import.meta.url));
// dynalite closes its connections and LevelDB in milliseconds; a store that does not is not waited for.
const CLOSE_GRACE_MS = 5000;

/**
 * The same store in a process of its own (local/dynamodb-process.mjs), as DynamoDB is in AWS. It stops
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
  // Plain node, whatever runs this file (tsx, vitest): the entry is JavaScript, and node would otherwise
  // pass on this process's loader flags.
  const child = fork(PROCESS_ENTRY, args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
