import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { TokenHookSettings } from '../../infra/settings.ts';
import { addTokenHookStacks } from '../../infra/token-hook-app.ts';
import type { TokenHookStack, TokenHookStackProps } from '../../infra/token-hook-stack.ts';

/** The context `cdk synth` runs with: cdk.json's feature flags and default settings. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Tiny stand-in bundles, for tests where the real bundle is not what is under test. */
export function stubBundles(): Required<Pick<TokenHookStackProps, 'hookBundleDir' | 'rotationBundleDir'>> {
  const hookBundleDir = mkdtempSync(join(tmpdir(), 'hook-bundle-'));
  const rotationBundleDir = mkdtempSync(join(tmpdir(), 'rotation-bundle-'));
  writeFileSync(join(hookBundleDir, 'index.mjs'), 'export const handler = async () => ({ statusCode: 204 });\n');
  writeFileSync(join(rotationBundleDir, 'index.mjs'), 'export const handler = async () => {};\n');
  return { hookBundleDir, rotationBundleDir };
}

/** The least an OAuth-mode stage needs: the mode, and the issuer, audience and scope Okta's token must show. */
export const OAUTH = {
  stageName: 'oauth',
  authMode: 'oauth',
  oauthIssuer: 'https://example.okta.com/oauth2/aus1hookcalls',
  oauthAudience: 'api://patient-token-hook',
  oauthScope: 'patient.hook',
} as const satisfies TokenHookSettings;

/** The Okta settings that turn on automatic rotation (the org, and the inline hook it updates). */
export const OKTA = {
  oktaOrgUrl: 'https://example.okta.com',
  oktaHookId: 'calr0dvWvbMQJHZCM0g3',
} as const satisfies Partial<TokenHookSettings>;

export interface Synthesized {
  app: App;
  stacks: TokenHookStack[];
}

export interface SynthOptions {
  /**
   * Run CDK's built-in CloudFormation validation too, as `cdk synth` does. Off by default: it only warns
   * (test/infra/cdk-nag.test.ts is where its report is checked) and starting its engine costs seconds of CPU
   * in every worker that synthesizes. The cdk-nag packs run on every synth either way.
   */
  cloudFormationValidation?: boolean;
}

/**
 * An app like infra/app.ts with each settings' stacks: one, or with several regions one a region, the
 * primary's first; synthesize each with Template.fromStack.
 */
export function tokenHookApp(
  settings: TokenHookSettings[],
  bundles: Pick<TokenHookStackProps, 'hookBundleDir' | 'rotationBundleDir'> = stubBundles(),
  { cloudFormationValidation = false }: SynthOptions = {},
): Synthesized {
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: cloudFormationValidation });
  return { app, stacks: settings.flatMap((each) => addTokenHookStacks(app, each, bundles)) };
}
