import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HookProcess {
  /** The hook's URL, from its start banner. */
  url: string;
  pid: number;
  /** Everything the banner said, line by line. */
  banner: string[];
  /** Settles when the process ends, however it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, as `npm start` stops on: it closes its server and its store first. */
  stop(): Promise<void>;
}

const START_LOCAL = fileURLToPath(new URL('../scripts/start-local.ts', import.meta.url));

/**
 * `npm start` itself (scripts/start-local.ts) as a child: the same handler, store, sample patients and
 * local credential, nothing copied. Resolves once its banner is out; each later line goes to `onLine`.
 */
export function startHookProcess(env: Record<string, string | undefined>, onLine: (line: string) => void): Promise<HookProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', START_LOCAL], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const banner: string[] = [];
    let ready = false;
    const take = (line: string) => {
      if (ready) return onLine(line);
      banner.push(line);
      // The banner's last line is the curl example (local/start-banner.ts).
      if (!line.trimStart().startsWith('curl -i')) return;
      const url = /listening on (\S+)/.exec(banner.join('\n'))?.[1];
      if (!url) return;
      ready = true;
      resolve({
        url,
        pid: child.pid as number,
        banner,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) take(line);
      });
    }
    child.once('error', reject);
    void exited.then(({ code, signal }) => {
      if (!ready)
        reject(new Error(banner.filter(Boolean).at(-1) ?? `the hook exited with ${signal ?? `code ${code}`} before it was ready`));
    });
  });
}
