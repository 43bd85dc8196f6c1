import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { UsageError } from '../tools/cli/run-command.ts';

/** The port a variable names, or the fallback (0: any free port). A bad value is a usage error. */
export function portSetting(env: Record<string, string | undefined>, variable: string, fallback: number): number {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`${variable} must be a port number (0 to 65535), not ${JSON.stringify(value)}`);
  return port;
}

/** Listens on 127.0.0.1; a taken port is a usage error that names the variable, not a stack trace. */
export function listenLocally(server: Server, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portTaken(variable, port) : error);
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** For a port another process will listen on: refuses a taken one up front, with the same message. */
export async function checkPortFree(port: number, variable: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portTaken(variable, port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function portTaken(variable: string, port: number): UsageError {
  return new UsageError(
    `port ${port} on 127.0.0.1 (${variable}) is taken: free it, or set ${variable} to another port (0 picks a free one)`,
  );
}
