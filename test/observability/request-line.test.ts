import { describe, expect, it } from 'vitest';
import { createRequestLog, stageMetricsNamespace } from '../../lambda/observability.ts';
import { emfProblems, metricNames } from '../support/emf.ts';

function requestLog() {
  const lines: string[] = [];
  return {
    lines,
    log: createRequestLog({ namespace: stageMetricsNamespace('test'), write: (line) => lines.push(line) }),
  };
}

describe('the request line', () => {
  it("is a valid EMF document counting the reason in the stage's namespace, with no dimension and no level when INFO", () => {
    const { lines, log } = requestLog();
    log.record({ level: 'INFO', reason: 'ClaimAdded', fields: { userHash: 'RqsCBlGbVxIB8HF-' } });
    expect(lines).toHaveLength(1);
    expect(emfProblems(lines[0] as string)).toStrictEqual([]);
    const { _aws, ...rest } = JSON.parse(lines[0] as string);
    expect(_aws.CloudWatchMetrics).toStrictEqual([
      {
        Namespace: 'OktaTokenHook/test',
        Dimensions: [[]],
        Metrics: [{ Name: 'ClaimAdded' }, { Name: 'ColdStart' }],
      },
    ]);
    expect(rest).toStrictEqual({
      reason: 'ClaimAdded',
      userHash: 'RqsCBlGbVxIB8HF-',
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

  it('says level ERROR on a failure, lets no field overwrite a count, and redacts string fields', () => {
    const { lines, log } = requestLog();
    log.record({
      level: 'ERROR',
      reason: 'StoreFailure',
      fields: {
        StoreFailure: 'x',
        ColdStart: 'y',
        _aws: 'z',
        errorMessage: 'denied for jessie.smith@example.com',
        skipped: undefined,
      },
    });
    const line = JSON.parse(lines[0] as string);
    expect(emfProblems(lines[0] as string)).toStrictEqual([]);
    expect(line).toMatchObject({
      level: 'ERROR',
      StoreFailure: 1,
      errorMessage: 'denied for [email]',
    });
    expect(line).not.toHaveProperty('skipped');
    // Each key once: JSON.parse keeps the last of a repeated key, CloudWatch may not.
    for (const key of ['_aws', 'StoreFailure', 'ColdStart']) expect((lines[0] as string).split(`"${key}":`)).toHaveLength(2);
  });

  it('escapes a namespace and a reason as JSON', () => {
    const lines: string[] = [];
    createRequestLog({ namespace: 'Okta "Hook"', write: (line) => lines.push(line) }).record({ level: 'INFO', reason: 'A"B', fields: {} });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Okta "Hook"' }] },
      reason: 'A"B',
      'A"B': 1,
    });
  });
});
