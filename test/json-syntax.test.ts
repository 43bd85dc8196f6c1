import { describe, expect, it } from 'vitest';
import { describeJsonSyntaxError, jsonSyntaxLocation } from '../lambda/json-syntax.ts';

const parseError = (text: string): unknown => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error('parsed');
};

describe('JSON syntax errors', () => {
  it('name the line and column, counted from the start of the text', () => {
    const text = '[\n  {"username": "kim.sato@example.com",}\n]';
    expect(describeJsonSyntaxError(parseError(text), text)).toBe('not valid JSON at line 2, column 39');
    expect(jsonSyntaxLocation(parseError('[1,'), '[1,')).toStrictEqual({ line: 1, column: 4 });
  });

  it('take the line and column V8 gives (Node 22 and later) over counting', () => {
    const error = new SyntaxError("Expected ',' or '}' after property value in JSON at position 30 (line 3 column 7)");
    expect(describeJsonSyntaxError(error, '')).toBe('not valid JSON at line 3, column 7');
  });

  it('never repeat the input V8 quotes, nor read a place from inside the quote', () => {
    const text = 'kim.sato@example.com at position 12, 1235';
    const message = describeJsonSyntaxError(parseError(text), text);
    expect(message).toBe('not valid JSON');
    expect(describeJsonSyntaxError(new SyntaxError(`Unexpected token 'k', "kim in JSON at position 3"... is not valid JSON`), text)).toBe(
      'not valid JSON',
    );
    expect(describeJsonSyntaxError('not an error', text)).toBe('not valid JSON');
  });
});
