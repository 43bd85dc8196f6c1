import type { OutputStream } from './run-command.ts';

// What the tools write for people to read: counts, colour on a terminal, and a progress bar.

/** 100000 → "100,000": counts in messages are read by people. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** 1 → "1 patient", 2 → "2 patients". */
export function countOf(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

const CODES = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1 } as const;

export type Colour = keyof typeof CODES;

/** ANSI colour on a terminal (unless NO_COLOR is set), plain text anywhere else. */
export function painterFor(stream: OutputStream, env: Record<string, string | undefined>): (colour: Colour, text: string) => string {
  if (!stream.isTTY || env.NO_COLOR) return (_colour, text) => text;
  return (colour, text) => `\u001b[${CODES[colour]}m${text}\u001b[0m`;
}

export interface Progress {
  advance(count: number): void;
  /** Writes the final state (and ends the bar's line on a terminal). */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  /** Unknown totals (a table scan) show the count and rate without a bar. */
  total?: number;
  stream: OutputStream;
  /** A terminal redraws at most this often; elsewhere one plain line is written this often. */
  intervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 30;

/** A one-line progress bar with rows/s on a terminal, and periodic plain lines in logs and pipes. */
export function startProgress({ label, total, stream, intervalMs, now = () => performance.now() }: ProgressOptions): Progress {
  const started = now();
  const every = intervalMs ?? (stream.isTTY ? 100 : 5000);
  let done = 0;
  let lastWrite = started;
  const render = (): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = `${formatCount(Math.round(done / seconds))} rows/s`;
    if (total === undefined) return `${label}: ${formatCount(done)} rows, ${rate}`;
    const fraction = total === 0 ? 1 : Math.min(done / total, 1);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const counts = `${formatCount(done)}/${formatCount(total)}`;
    if (!stream.isTTY) return `${label}: ${counts} rows (${percent.trim()}), ${rate}`;
    const filled = Math.floor(fraction * BAR_WIDTH);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent} ${counts} rows, ${rate}`;
  };
  const write = () => {
    lastWrite = now();
    stream.write(stream.isTTY ? `\r\u001b[2K${render()}` : `${render()}\n`);
  };
  return {
    advance(count) {
      done += count;
      if (now() - lastWrite >= every) write();
    },
    finish() {
      write();
      if (stream.isTTY) stream.write('\n');
    },
  };
}
