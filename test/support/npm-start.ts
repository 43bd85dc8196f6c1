import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface NpmStart {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** The hook URL, once the banner is out. */
  ready: Promise<string>;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code, however it comes. */
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** `npm start` (tsx scripts/start-local.ts) as a process of its own, with this environment added. */
export function startNpmStart(env: Record<string, string>): NpmStart {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-local.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  let output = '';
  let started = false;
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Read until the banner is out, not after: a burst's request lines would make each read longer.
      if (started) return;
      const url = /listening on (\S+)/.exec(output)?.[1];
      if (url && output.includes('curl -i')) {
        started = true;
        resolve(url);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    output: () => output,
    ready,
    exited,
    stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Kills every npm start this file started and has not stopped (for afterEach, or afterAll when tests run side by side). */
export function killNpmStarts(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Whether something accepts connections on this port of 127.0.0.1. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls until nothing listens on the port any more; false when something still does after `timeoutMs`. */
export async function portFreed(port: number, timeoutMs = 5000): Promise<boolean> {
  const giveUpAt = Date.now() + timeoutMs;
  while (await isListening(port)) {
    if (Date.now() > giveUpAt) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
