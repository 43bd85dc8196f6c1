import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run patients / npm run preview, as processes', () => {
  it('hand their exit code and output to the shell', async () => {
    const [patients, preview] = await Promise.all([run('scripts/patients.ts', []), run('scripts/preview.ts', ['--help'])]);
    expect(patients).toMatchObject({ code: 2, stdout: '' });
    expect(patients.stderr).toBe('error: no command given; npm run patients -- --help shows the usage\n');
    expect(preview).toMatchObject({ code: 0, stderr: '' });
    expect(preview.stdout).toMatch(/^Usage: npm run preview/);
  });
});
