import { describe, expect, it } from 'vitest';
import { startProgress } from '../../../tools/cli/output.ts';

function clockAndStream(isTTY: boolean) {
  let now = 0;
  let written = '';
  return {
    tick: (ms: number) => (now += ms),
    now: () => now,
    stream: { isTTY, write: (text: string) => (written += text) },
    written: () => written,
  };
}

describe('startProgress', () => {
  it('redraws one bar with rows per second on a terminal', () => {
    const test = clockAndStream(true);
    const progress = startProgress({ label: 'writing', total: 1000, stream: test.stream, now: test.now });
    test.tick(500);
    progress.advance(500);
    test.tick(500);
    progress.advance(500);
    progress.finish();
    expect(test.written()).toContain('\r\u001b[2Kwriting [###############...............]  50% 500/1,000 rows, 1,000 rows/s');
    expect(test.written().endsWith('writing [##############################] 100% 1,000/1,000 rows, 1,000 rows/s\n')).toBe(true);
  });

  it('writes plain lines now and then when the output is a file or a pipe', () => {
    const test = clockAndStream(false);
    const progress = startProgress({ label: 'writing', total: 100, stream: test.stream, now: test.now, intervalMs: 1000 });
    for (let i = 0; i < 10; i++) {
      test.tick(300);
      progress.advance(10);
    }
    progress.finish();
    expect(test.written()).toBe(
      'writing: 40/100 rows (40%), 33 rows/s\nwriting: 80/100 rows (80%), 33 rows/s\nwriting: 100/100 rows (100%), 33 rows/s\n',
    );
  });

  it('counts without a bar when the total is unknown', () => {
    const test = clockAndStream(false);
    const progress = startProgress({ label: 'reading patients', stream: test.stream, now: test.now });
    test.tick(2000);
    progress.advance(3000);
    progress.finish();
    expect(test.written()).toBe('reading patients: 3,000 rows, 1,500 rows/s\n');
  });
});
