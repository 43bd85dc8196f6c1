/** JSON Patch (RFC 6902) on a plain JSON document, for the three ops Okta supports. */
export type PatchOp = 'add' | 'replace' | 'remove';

/** The reference tokens of a JSON pointer ("/a/b~1c" → ["a", "b/c"]); undefined when it is not one. */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/');
  if (tokens.some((token) => /~(?![01])/.test(token))) return undefined;
  return tokens.map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Applies one op at `tokens` inside `document` (mutated), the way RFC 6902 does: `add` needs the
 * parent to exist, `replace` and `remove` need the target to exist. Returns why it cannot, or undefined.
 */
export function applyPatchOp(
  document: Record<string, unknown>,
  op: PatchOp,
  tokens: readonly string[],
  value?: unknown,
): string | undefined {
  if (tokens.length === 0) return 'the path names no member';
  let parent: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    parent = childOf(parent, token);
    if (parent === undefined) return 'its parent does not exist';
  }
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) return applyToArray(parent, op, last, value);
  if (typeof parent !== 'object' || parent === null) return 'its parent is not an object or array';
  const members = parent as Record<string, unknown>;
  const exists = Object.hasOwn(members, last);
  if (op !== 'add' && !exists) return 'it does not exist';
  if (op === 'remove') delete members[last];
  else members[last] = value;
  return undefined;
}

function applyToArray(array: unknown[], op: PatchOp, token: string, value: unknown): string | undefined {
  if (token === '-' && op === 'add') {
    array.push(value);
    return undefined;
  }
  if (!/^(0|[1-9]\d*)$/.test(token)) return `"${token}" is not an array index`;
  const index = Number(token);
  const limit = op === 'add' ? array.length : array.length - 1;
  if (index > limit) return `index ${index} is past the end of the array`;
  if (op === 'add') array.splice(index, 0, value);
  else if (op === 'replace') array[index] = value;
  else array.splice(index, 1);
  return undefined;
}

function childOf(parent: unknown, token: string): unknown {
  if (Array.isArray(parent)) return /^(0|[1-9]\d*)$/.test(token) ? parent[Number(token)] : undefined;
  if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, token)) return (parent as Record<string, unknown>)[token];
  return undefined;
}
