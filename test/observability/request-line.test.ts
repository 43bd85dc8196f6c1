import { describe, expect, it } from 'vitest';
import { createRequestLog } from '../../lambda/observability.ts';
import { emfProblems, metricNames } from '../support/emf.ts';

function requestLog() {
  const lines: string[] = [];
  return {
    lines,
    log: createRequestLog({ functionName: 'OktaTokenHook-test-Hook', write: (line) => lines.push(line) }),
  };
}

describe('the request line', () => {
  it('is a valid EMF document counting the reason, by FunctionName', () => {
    const { lines, log } = requestLog();
    log.record({ level: 'INFO', reason: 'ClaimAdded', fields: { status: 200, userHash: 'RqsCBlGbVxIB8HF-' } });
    expect(lines).toHaveLength(1);
    expect(emfProblems(lines[0] as string)).toStrictEqual([]);
    const { _aws, ...rest } = JSON.parse(lines[0] as string);
    expect(_aws.CloudWatchMetrics).toStrictEqual([
      {
        Namespace: 'OktaTokenHook',
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'ClaimAdded' }, { Name: 'ColdStart' }],
      },
    ]);
    expect(rest).toStrictEqual({
      level: 'INFO',
      reason: 'ClaimAdded',
      status: 200,
      userHash: 'RqsCBlGbVxIB8HF-',
      FunctionName: 'OktaTokenHook-test-Hook',
      ClaimAdded: 1,
      ColdStart: 1,
    });
  });

  it('counts ColdStart on the first line of the instance only', () => {
    const { lines, log } = requestLog();
    for (const reason of ['NotAPatient', 'ClaimAdded', 'Unauthorized']) log.record({ level: 'INFO', reason, fields: {} });
    expect(lines.map(metricNames)).toStrictEqual([['NotAPatient', 'ColdStart'], ['ClaimAdded'], ['Unauthorized']]);
    expect(JSON.parse(lines[1] as string)).not.toHaveProperty('ColdStart');
  });

  it('lets no field overwrite a dimension or a count, and redacts string fields', () => {
    const { lines, log } = requestLog();
    log.record({
      level: 'ERROR',
      reason: 'StoreFailure',
      fields: {
        Service: 'spoofed',
        FunctionName: 'spoofed',
        StoreFailure: 'x',
        errorMessage: 'denied for jessie.smith@example.com',
        skipped: undefined,
      },
    });
    const line = JSON.parse(lines[0] as string);
    expect(emfProblems(lines[0] as string)).toStrictEqual([]);
    expect(line).toMatchObject({
      FunctionName: 'OktaTokenHook-test-Hook',
      StoreFailure: 1,
      errorMessage: 'denied for [email]',
    });
    expect(line).not.toHaveProperty('skipped');
  });
});
