import { inspect } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { captureLine, capturedLines, testSecrets } from './captured-output.ts';
import { findLeaks } from './leak-scan.ts';

/**
 * For the files that run the hook end to end (integration and reliability suites): every line written
 * while the file runs, by the hook's logger and metrics (through the harness) or anyone else on stdout,
 * stderr or the console, is scanned once the file is done. A leak fails the file, naming only its kind.
 */
const SCANNED = /[\\/]test[\\/](integration|reliability)[\\/]/;

let scanned = false;

beforeAll(() => {
  scanned = SCANNED.test(expect.getState().testPath ?? '');
  if (scanned) teeProcessOutput();
  else sink.capture = undefined;
});

afterAll(() => {
  if (!scanned) return;
  const leaks = findLeaks(capturedLines(), testSecrets());
  if (leaks.length > 0) {
    const kinds = [...new Set(leaks.map((leak) => leak.kind))].join(', ');
    // DEBUG_LEAKS=1 prints the lines themselves, to find the culprit locally; never set it in CI.
    if (process.env.DEBUG_LEAKS) for (const leak of leaks) process.stderr.write(`LEAK ${capturedLines()[leak.line]}\n`);
    throw new Error(`${leaks.length} output line(s) of ${capturedLines().length} hold ${kinds}`);
  }
});

// The streams and the console may outlive a test file when a worker runs several: each is wrapped once,
// and what it writes goes to the capture of the file running now, if that file is scanned.
const TEED = Symbol.for('okta-token-hook.teed');
const sink = ((globalThis as Record<symbol, unknown>)[Symbol.for('okta-token-hook.output-sink')] ??= {}) as {
  capture?: (line: string) => void;
};

function teeProcessOutput(): void {
  sink.capture = captureLine;
  for (const stream of [process.stdout, process.stderr]) {
    if ((stream.write as { [TEED]?: true })[TEED]) continue;
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = Object.assign(
      (chunk: unknown, ...rest: unknown[]) => {
        sink.capture?.(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return write(chunk, ...rest);
      },
      { [TEED]: true as const },
    ) as typeof stream.write;
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    if ((console[method] as { [TEED]?: true })[TEED]) continue;
    const original = console[method].bind(console);
    console[method] = Object.assign(
      (...args: unknown[]) => {
        sink.capture?.(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '));
        original(...args);
      },
      { [TEED]: true as const },
    );
  }
}
