import type { OutputStream } from './cli-io.ts';

const CODES = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1 } as const;

export type Colour = keyof typeof CODES;

/** ANSI colour on a terminal (unless NO_COLOR is set), plain text anywhere else. */
export function painterFor(stream: OutputStream, env: Record<string, string | undefined>): (colour: Colour, text: string) => string {
  if (!stream.isTTY || env.NO_COLOR) return (_colour, text) => text;
  return (colour, text) => `\u001b[${CODES[colour]}m${text}\u001b[0m`;
}
