import { describe, expect, it } from 'vitest';
import { createJsonLogger, describeError, redact } from '../../lambda/observability.ts';

describe('redact', () => {
  it('masks Basic and Bearer values, emails and long tokens', () => {
    const text = 'auth Basic YWRtaW46c3VwZXJzZWNyZXQ= for Jessie.Smith@example.com with eyJhbGciOiJSUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abc';
    expect(redact(text)).toBe('auth Basic [redacted] for [email] with [redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('GetItem did not finish before its deadline')).toBe('GetItem did not finish before its deadline');
  });
});

describe('describeError', () => {
  it('keeps the name and code and redacts the message', () => {
    const error = Object.assign(new Error('user kim.sato@example.com sent Bearer abc.def.ghi'), { code: 'ECONNRESET' });
    expect(describeError(error)).toStrictEqual({
      errorName: 'Error',
      errorCode: 'ECONNRESET',
      errorMessage: 'user [email] sent Bearer [redacted]',
    });
  });

  it('describes a thrown non-error without its value', () => {
    expect(describeError('jessie.smith@example.com')).toStrictEqual({ errorName: 'string', errorMessage: 'non-error value thrown' });
  });
});

describe('createJsonLogger', () => {
  it('writes one JSON line with level, service and redacted string fields, above its level only', () => {
    const lines: string[] = [];
    const log = createJsonLogger({ level: 'info', service: 'svc', write: (line) => lines.push(line) });
    log.debug('hidden');
    log.warn('seen', { who: 'a@b.example', count: 2, skipped: undefined });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'WARN', service: 'svc', message: 'seen', who: '[email]', count: 2 });
    expect(lines[0]).not.toContain('skipped');
  });
});
