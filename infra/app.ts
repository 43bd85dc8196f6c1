import { App } from 'aws-cdk-lib';
import { buildBundle } from './bundles.ts';
import { settingsFromContext } from './settings.ts';
import { addTokenHookStacks } from './token-hook-app.ts';

// Build the bundles on every synth, so what `cdk deploy` ships is always what `npm run build` makes from
// the current source; the stack copies dist/lambda into the cloud assembly byte for byte.
await buildBundle();

const app = new App();
// No lookups, so synth needs no AWS credentials. One region: env-agnostic, `cdk deploy` takes the account
// and region from the profile (or the one region of `regions`). Several: one stack a region, in the
// profile's account (docs/regions.md).
addTokenHookStacks(app, settingsFromContext(app.node));
app.synth();
