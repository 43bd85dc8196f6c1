import { type App, Validations } from 'aws-cdk-lib';
import { COMPLIANCE_PACKS } from './compliance.ts';
import { primaryRegionOf, type TokenHookSettings } from './settings.ts';
import { regionalStackName, TokenHookStack, tokenHookStackName, type TokenHookStackProps } from './token-hook-stack.ts';

/** One region: the stage's one stack, as it always was (pinned to the region when `regions` names one). */
function addTokenHookStack(
  app: App,
  settings: TokenHookSettings,
  bundles: Pick<TokenHookStackProps, 'hookBundleDir' | 'rotationBundleDir'> = {},
): TokenHookStack {
  const [region] = settings.regions ?? [];
  const env = region ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region } } : {};
  const stack = new TokenHookStack(app, tokenHookStackName(settings.stageName), { ...settings, ...bundles, ...env });
  checkWithCompliancePacks(app);
  return stack;
}

/**
 * Adds a stage's stacks to the app: one, or with two regions or more one a region, each pinned to its
 * region (a stack that holds replicas or a certificate for one region must know which). The primary
 * region's stack comes last: its secret replicas are encrypted under the other regions' data keys, which
 * their stacks make. Checks the whole app with cdk-nag's AWS Solutions, HIPAA Security and NIST 800-53
 * rev. 5 packs (infra/compliance.ts), which run as validation plugins when the app synthesizes: a finding
 * nobody fixed or acknowledged fails the synth. The CDK app and the tests both go through here, so the
 * tests check what `cdk synth` makes.
 */
export function addTokenHookStacks(
  app: App,
  settings: TokenHookSettings,
  bundles: Pick<TokenHookStackProps, 'hookBundleDir' | 'rotationBundleDir'> = {},
): TokenHookStack[] {
  const regions = settings.regions ?? [];
  if (regions.length < 2) return [addTokenHookStack(app, settings, bundles)];
  const primaryRegion = primaryRegionOf(settings) as string;
  const stackIn = (region: string) =>
    new TokenHookStack(app, regionalStackName(settings.stageName, region), {
      ...settings,
      ...bundles,
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    });
  const others = regions.filter((region) => region !== primaryRegion).map(stackIn);
  const primary = stackIn(primaryRegion);
  for (const other of others) primary.addStackDependency(other, "the secret replicas are encrypted under each region's data key");
  checkWithCompliancePacks(app);
  return [primary, ...others];
}

function checkWithCompliancePacks(app: App): void {
  if (!checkedApps.has(app)) {
    checkedApps.add(app);
    Validations.of(app).addPlugins(...COMPLIANCE_PACKS.map((Pack) => new Pack(app)));
  }
}

const checkedApps = new WeakSet<App>();
