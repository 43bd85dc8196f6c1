import type { HookRequest } from './hook-request.ts';
import type { SecretVersion } from './ports.ts';

/**
 * The rotation's testSecret has Okta call the hook (Okta's execute) with a token hook request of the
 * contract whose `eventId` is this prefix and the version it checks: the one staged AWSPENDING, which
 * finishSecret will make AWSCURRENT. Okta's own calls carry an id of Okta's there, so no sign-in is ever one.
 *
 * The hook accepts AWSCURRENT, AWSPREVIOUS and AWSPENDING alike, so "the hook accepted Okta's call" alone
 * proves only that Okta holds one of them. A rotation check passes only when the caller presented exactly
 * that version's value, staged AWSPENDING; any other accepted value is refused as any wrong caller is (401),
 * so Okta's execute fails and the rotation stops before it would leave Okta sending AWSPREVIOUS.
 */
export const ROTATION_CHECK_EVENT_ID_PREFIX = 'okta-token-hook-rotation-check:';

export function rotationCheckEventId(versionId: string): string {
  return `${ROTATION_CHECK_EVENT_ID_PREFIX}${versionId}`;
}

/** The version a rotation check is for; undefined for any other request. */
export function rotationCheckVersion(request: Pick<HookRequest, 'eventId'>): string | undefined {
  const { eventId } = request;
  if (eventId === undefined || !eventId.startsWith(ROTATION_CHECK_EVENT_ID_PREFIX)) return undefined;
  return eventId.slice(ROTATION_CHECK_EVENT_ID_PREFIX.length);
}

/** Whether the caller presented the value of `versionId` while the hook accepts it as AWSPENDING. */
export function passesRotationCheck(versionId: string, presented: readonly SecretVersion[] | undefined): boolean {
  return presented?.some((version) => version.id === versionId && version.stage === 'AWSPENDING') ?? false;
}
