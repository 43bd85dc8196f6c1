// Okta writes eventTime as an ISO instant, e.g. 2019-01-15T23:20:47.000Z; Date.parse alone also takes
// looser forms ("2019", "Jan 15 2019") that no Okta request carries.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Why a request's `eventTime` is outside the replay window, or undefined when it is inside.
 * `now` is when the request arrived (API Gateway's requestContext.timeEpoch), in ms since the epoch.
 * The window is symmetric: a request from the future is as suspect as an old one.
 */
export function eventTimeProblem(eventTime: string | undefined, now: number, maxAgeSeconds: number): string | undefined {
  if (eventTime === undefined) return 'eventTime is required';
  const sent = ISO_INSTANT.test(eventTime) ? Date.parse(eventTime) : Number.NaN;
  if (!Number.isFinite(sent)) return 'eventTime must be an ISO date-time';
  if (!Number.isFinite(now)) return 'the time the request arrived is unknown';
  if (Math.abs(now - sent) > maxAgeSeconds * 1000) return `eventTime is more than ${maxAgeSeconds} seconds from now`;
  return undefined;
}
