import { describe, expect, it } from 'vitest';
import { applyPatchOp, parseJsonPointer } from '../../../tools/okta/json-pointer.ts';

describe('parseJsonPointer', () => {
  it('unescapes ~1 to / and ~0 to ~', () => {
    expect(parseJsonPointer('/claims/a~1b/c~0d/~01')).toStrictEqual(['claims', 'a/b', 'c~d', '~1']);
  });

  it('refuses text that is not a pointer', () => {
    expect(parseJsonPointer('claims/x')).toBeUndefined();
    expect(parseJsonPointer('/claims/x~')).toBeUndefined();
  });
});

describe('applyPatchOp', () => {
  it('adds into arrays by index and with -, as RFC 6902 does', () => {
    const document: Record<string, unknown> = { list: ['b'] };
    expect(applyPatchOp(document, 'add', ['list', '0'], 'a')).toBeUndefined();
    expect(applyPatchOp(document, 'add', ['list', '-'], 'c')).toBeUndefined();
    expect(applyPatchOp(document, 'remove', ['list', '1'])).toBeUndefined();
    expect(document.list).toStrictEqual(['a', 'c']);
  });

  it('says why an op cannot apply', () => {
    expect(applyPatchOp({}, 'replace', ['missing'], 1)).toBe('it does not exist');
    expect(applyPatchOp({ a: 'text' }, 'add', ['a', 'b'], 1)).toBe('its parent is not an object or array');
    expect(applyPatchOp({ list: [] }, 'add', ['list', 'x'], 1)).toBe('"x" is not an array index');
  });
});
