/** Where JSON.parse gave up: 1-based line and column. */
export interface JsonSyntaxLocation {
  line: number;
  column: number;
}

/**
 * Why `text` is not JSON, fit for an error message: `not valid JSON at line 3, column 17`. V8's own
 * message quotes the input (`Unexpected token 'k', "kim.sato@e"... is not valid JSON`), and the input
 * can be a roster of logins and patient ids, so only the place is taken from it, never the words.
 */
export function describeJsonSyntaxError(error: unknown, text: string): string {
  const location = jsonSyntaxLocation(error, text);
  return location === undefined ? 'not valid JSON' : `not valid JSON at line ${location.line}, column ${location.column}`;
}

/**
 * The place V8 names at the very end of its message: `at position N`, from Node 22 followed by
 * `(line L column C)`; the end of the text for `Unexpected end of JSON input`. Anchored at the end, so
 * digits inside a quoted piece of the input are never read as a place.
 */
export function jsonSyntaxLocation(error: unknown, text: string): JsonSyntaxLocation | undefined {
  const message = error instanceof Error ? error.message : '';
  const place = / in JSON at position (\d+)(?: \(line (\d+) column (\d+)\))?$/.exec(message);
  if (place?.[2] !== undefined && place[3] !== undefined) return { line: Number(place[2]), column: Number(place[3]) };
  if (place?.[1] !== undefined) return locate(text, Number(place[1]));
  if (message === 'Unexpected end of JSON input') return locate(text, text.length);
  return undefined;
}

// V8's position counts UTF-16 code units, as string indexes do.
function locate(text: string, position: number): JsonSyntaxLocation {
  const before = text.slice(0, position);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: position - lineStart + 1 };
}
