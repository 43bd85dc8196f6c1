import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineExceededError, startRequestDeadline, untilDeadline } from '../lambda/request-deadline.ts';

describe('the request deadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('aborts its signal when the budget is spent, with a DeadlineExceeded reason', () => {
    const deadline = startRequestDeadline(900, () => Date.now());
    vi.advanceTimersByTime(899);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect((deadline.signal.reason as DeadlineExceededError).code).toBe('DeadlineExceeded');
  });

  it('is brought forward by within(), never pushed back', () => {
    const deadline = startRequestDeadline(900, () => Date.now());
    vi.advanceTimersByTime(200);
    deadline.within(800); // would end at 1000: the 900 ms budget stays
    vi.advanceTimersByTime(699);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);

    const tighter = startRequestDeadline(900, () => Date.now());
    tighter.within(100);
    vi.advanceTimersByTime(100);
    expect(tighter.signal.aborted).toBe(true);
  });

  it('calls each listener still added once when it aborts, and none added after, as an AbortSignal does', () => {
    const deadline = startRequestDeadline(900, () => Date.now());
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    deadline.signal.addEventListener('abort', () => heard.push('first'));
    deadline.signal.addEventListener('abort', removed);
    const second = () => heard.push('second');
    deadline.signal.addEventListener('abort', second, { once: true });
    deadline.signal.addEventListener('abort', second);
    deadline.signal.removeEventListener('abort', removed);
    vi.advanceTimersByTime(900);
    vi.advanceTimersByTime(900);
    deadline.signal.addEventListener('abort', () => heard.push('late'));
    expect(heard).toStrictEqual(['first', 'second']);
  });

  it('calls every listener when one throws, and reports the error', async () => {
    vi.useRealTimers();
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    const deadline = startRequestDeadline(5);
    const heard: string[] = [];
    deadline.signal.addEventListener('abort', () => {
      throw new Error('a listener failed');
    });
    deadline.signal.addEventListener('abort', () => heard.push('next'));
    expect(await reported).toMatchObject({ message: 'a listener failed' });
    expect(heard).toStrictEqual(['next']);
  });

  it('leaves no timer behind once cleared', () => {
    const deadline = startRequestDeadline(900, () => Date.now());
    deadline.within(300);
    deadline.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('stops a request waiting on shared work at its deadline, and lets the work go on', async () => {
    const controller = new AbortController();
    let finish: (value: string) => void = () => {};
    const shared = new Promise<string>((resolve) => (finish = resolve));
    const waiting = untilDeadline(shared, controller.signal, 'the secret read');
    controller.abort();
    await expect(waiting).rejects.toThrow("the secret read did not finish before the request's deadline");
    finish('done');
    await expect(shared).resolves.toBe('done');
    await expect(untilDeadline(Promise.resolve(1), new AbortController().signal, 'x')).resolves.toBe(1);
  });
});
