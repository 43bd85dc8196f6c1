import { type App, Validations } from 'aws-cdk-lib';
import { COMPLIANCE_PACKS } from './compliance.ts';
import type { TokenHookSettings } from './settings.ts';
import { TokenHookStack, tokenHookStackName, type TokenHookStackProps } from './token-hook-stack.ts';

/**
 * Adds a stage's stack to the app and checks the whole app with cdk-nag's AWS Solutions, HIPAA Security
 * and NIST 800-53 rev. 5 packs (infra/compliance.ts), which run as validation plugins when the app
 * synthesizes: a finding nobody fixed or acknowledged fails the synth. The CDK app and the tests both go
 * through here, so the tests check what `cdk synth` makes.
 */
export function addTokenHookStack(
  app: App,
  settings: TokenHookSettings,
  bundles: Pick<TokenHookStackProps, 'hookBundleDir' | 'rotationBundleDir'> = {},
): TokenHookStack {
  const stack = new TokenHookStack(app, tokenHookStackName(settings.stageName), { ...settings, ...bundles });
  if (!checkedApps.has(app)) {
    checkedApps.add(app);
    Validations.of(app).addPlugins(...COMPLIANCE_PACKS.map((Pack) => new Pack(app)));
  }
  return stack;
}

const checkedApps = new WeakSet<App>();
