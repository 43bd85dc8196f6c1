import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { BUNDLE_DIR, ROTATION_BUNDLE_FILE } from '../../infra/bundles.ts';
import { TokenHookStack } from '../../infra/token-hook-stack.ts';
import { OKTA, stubBundles, tokenHookApp } from './synth.ts';

// The one place the real bundles are under test: built as `npm run build` does (test/support/build-bundle.global.ts), synthesize with
// the stack's default bundle directories, and compare what the cloud assembly would upload.
let assembly: CloudAssembly;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
let assets: { files: Record<string, { source: { path: string; packaging: string } }> };

beforeAll(() => {
  const { app, stacks } = tokenHookApp([{ stageName: 'bundle', ...OKTA }], {});
  assembly = app.synth();
  const stackName = stacks[0]!.stackName;
  template = assembly.getStackByName(stackName).template as typeof template;
  assets = JSON.parse(readFileSync(join(assembly.directory, `${stackName}.assets.json`), 'utf8')) as typeof assets;
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The directory the assets manifest zips and uploads for the function's S3Key. */
function assetDirOf(timeout: number): string {
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Timeout === timeout);
  const s3Key = (fn?.Properties.Code as { S3Key?: string } | undefined)?.S3Key ?? '';
  const asset = assets.files[s3Key.replace(/\.zip$/, '')];
  if (!asset) throw new Error(`no asset for the function with timeout ${timeout}`);
  expect(asset.source.packaging).toBe('zip');
  return join(assembly.directory, asset.source.path);
}

describe('deployed code', () => {
  it('is byte for byte the hook bundle npm run build writes (the entry and its chunks), and nothing else', () => {
    const assetDir = assetDirOf(2);
    const built = readdirSync(BUNDLE_DIR).sort();
    expect(built).toContain('index.mjs');
    expect(built.length).toBeGreaterThan(1);
    expect(readdirSync(assetDir).sort()).toStrictEqual(built);
    for (const file of built) expect(sha256(join(assetDir, file)), file).toBe(sha256(join(BUNDLE_DIR, file)));
  });

  it('is byte for byte the rotation bundle for the rotation function', () => {
    const assetDir = assetDirOf(60);
    expect(readdirSync(assetDir)).toStrictEqual(['index.mjs']);
    expect(sha256(join(assetDir, 'index.mjs'))).toBe(sha256(ROTATION_BUNDLE_FILE));
  });

  it('leaves the AWS SDK out of the rotation bundle: the Node.js 24 runtime provides it', () => {
    const rotation = readFileSync(ROTATION_BUNDLE_FILE, 'utf8');
    expect(rotation).toMatch(/from\s*"@aws-sdk\/client-secrets-manager"/);
    // The rest is the rotation itself, the Okta client and the parts of jose that sign JWTs (about 32 KB).
    expect(rotation.length).toBeLessThan(64_000);
  });
});

describe('a missing bundle', () => {
  it('stops synthesis with a message that says what to run', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-bundle-'));
    const app = new App();
    expect(() => new TokenHookStack(app, 'Missing', { stageName: 'missing', ...stubBundles(), hookBundleDir: empty })).toThrow(
      `The Lambda bundle ${join(empty, 'index.mjs')} is missing: run \`npm run build\` first.`,
    );
  });
});
