/**
 * Every line the hook and the process wrote during one test file: the harness and the reliability tests
 * add their log and metric lines here, and test/support/scan-output.setup.ts adds stdout, stderr and
 * console writes. The setup file scans the lot for secrets and patient data once the file is done.
 */
const lines: string[] = [];
const extraSecrets = new Set<string>();

export function captureLine(line: string): void {
  lines.push(line);
}

export function capturedLines(): readonly string[] {
  return lines;
}

/** A value a test made up that must not appear in any line either (a rotated password, say). */
export function treatAsSecret(value: string): void {
  extraSecrets.add(value);
}

export function testSecrets(): readonly string[] {
  return [...extraSecrets];
}
