import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HEALTH_CHECK_FAILURE_THRESHOLD,
  HEALTH_CHECK_INTERVAL_SECONDS,
  LATENCY_RECORD_TTL_SECONDS,
} from '../../infra/regional-front-door.ts';
import { REPLICATION_LATENCY_THRESHOLD_MS } from '../../infra/replication-alarm.ts';
import { REPLICA_ATTEMPTS, REPLICA_DELAY_MS } from '../../lambda/rotation/rotate-basic-credential.ts';

// docs/regions.md gives the recovery time and the data loss of a regional failover: the figures are the
// settings the stacks deploy and the rotation runs with, so they change together or the runbook is wrong.
const RUNBOOK = readFileSync(new URL('../../docs/regions.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

describe('docs/regions.md', () => {
  it("states the recovery time from the health check's interval and threshold and the latency record's TTL", () => {
    const detection = HEALTH_CHECK_INTERVAL_SECONDS * HEALTH_CHECK_FAILURE_THRESHOLD;
    for (const figure of [
      `every ${HEALTH_CHECK_INTERVAL_SECONDS} s`,
      `after ${HEALTH_CHECK_FAILURE_THRESHOLD} failures in a row`,
      `${HEALTH_CHECK_INTERVAL_SECONDS} s × ${HEALTH_CHECK_FAILURE_THRESHOLD} = ${detection} s`,
      `the record's TTL, ${LATENCY_RECORD_TTL_SECONDS} s`,
      `${detection} s + ${LATENCY_RECORD_TTL_SECONDS} s = ${detection + LATENCY_RECORD_TTL_SECONDS} s`,
    ]) {
      expect(RUNBOOK).toContain(figure);
    }
  });

  it('states the replication alarm and the rotation wait the code uses', () => {
    expect(RUNBOOK).toContain(`fires at ${REPLICATION_LATENCY_THRESHOLD_MS / 1000} s`);
    expect(RUNBOOK).toContain(`every ${REPLICA_DELAY_MS / 1000} s, up to ${REPLICA_ATTEMPTS} times`);
  });

  it('gives the AWS pages the figures come from', () => {
    for (const source of [
      'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html',
      'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html',
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html',
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html',
      'https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html',
    ]) {
      expect(RUNBOOK).toContain(source);
    }
  });
});
