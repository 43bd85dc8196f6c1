import { describe, expect, it } from 'vitest';
import { eventTimeProblem } from '../../lambda/core/hook-request.ts';

const now = Date.parse('2026-01-05T09:00:00.000Z');

describe('eventTimeProblem', () => {
  it.each([
    ['the same instant', '2026-01-05T09:00:00.000Z'],
    ['exactly the window ago', '2026-01-05T08:55:00.000Z'],
    ['exactly the window ahead', '2026-01-05T09:05:00.000Z'],
    ['without milliseconds', '2026-01-05T08:59:30Z'],
    ['with an offset', '2026-01-05T10:01:00+01:00'],
  ])('accepts an eventTime at %s', (_name, eventTime) => {
    expect(eventTimeProblem(eventTime, now, 300)).toBeUndefined();
  });

  it.each([
    ['older than the window', '2026-01-05T08:54:59.999Z', 'eventTime is more than 300 seconds from now'],
    ['further ahead than the window', '2026-01-05T09:05:00.001Z', 'eventTime is more than 300 seconds from now'],
    ["Okta's published example, replayed years later", '2019-01-15T23:20:47.000Z', 'eventTime is more than 300 seconds from now'],
    ['missing', undefined, 'eventTime is required'],
    ['not a date', 'yesterday', 'eventTime must be an ISO date-time'],
    ['a date Date.parse takes but Okta never sends', 'Jan 5 2026 09:00', 'eventTime must be an ISO date-time'],
    ['an impossible date', '2026-13-45T09:00:00Z', 'eventTime must be an ISO date-time'],
  ])('refuses an eventTime %s', (_name, eventTime, message) => {
    expect(eventTimeProblem(eventTime, now, 300)).toBe(message);
  });

  it('refuses when the arrival time is unknown', () => {
    expect(eventTimeProblem('2026-01-05T09:00:00.000Z', Number.NaN, 300)).toBe('the time the request arrived is unknown');
  });
});
