/** 100000 → "100,000": counts in messages are read by people. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** 1 → "1 patient", 2 → "2 patients". */
export function countOf(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
