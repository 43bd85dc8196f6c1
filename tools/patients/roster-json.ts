import { describeJsonSyntaxError, jsonSyntaxLocation } from '../../lambda/json-syntax.ts';
import { RosterFileError, type RosterRow } from './roster-row.ts';

/** A JSON array of `{ "username": ..., "patientId": ... }` objects (and `"oktaUserId"`), values as written. */
export function parseRosterJson(text: string): RosterRow[] {
  const source = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new RosterFileError(jsonSyntaxLocation(error, source)?.line, describeJsonSyntaxError(error, source));
  }
  if (!Array.isArray(value)) throw new RosterFileError(undefined, 'must be a JSON array of {"username": ..., "patientId": ...} objects');
  const lines = arrayElementLines(source);
  return value.map((element: unknown, index) => {
    const line = lines[index] ?? 1;
    if (typeof element !== 'object' || element === null || Array.isArray(element)) {
      return { line, problem: `element ${index} is not an object with username and patientId` };
    }
    const { username, oktaUserId, patientId } = element as Record<string, unknown>;
    return { line, username, ...(oktaUserId === undefined ? {} : { oktaUserId }), patientId };
  });
}

/** The line each element of a top-level JSON array starts on (the text must be valid JSON). */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectingElement = false;
  for (const character of text) {
    if (character === '\n') line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (character === '\\') escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === ' ' || character === '\t' || character === '\r' || character === '\n') continue;
    if (depth === 1 && expectingElement && character !== ']') {
      lines.push(line);
      expectingElement = false;
    }
    if (character === '"') inString = true;
    else if (character === '[' || character === '{') {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (character === ']' || character === '}') depth--;
    else if (character === ',' && depth === 1) expectingElement = true;
  }
  return lines;
}
