import { App } from 'aws-cdk-lib';
import { buildBundle } from './bundles.ts';
import { settingsFromContext } from './settings.ts';
import { addTokenHookStack } from './token-hook-app.ts';

// Build the bundles on every synth, so what `cdk deploy` ships is always what `npm run build` makes from
// the current source; the stack copies dist/lambda into the cloud assembly byte for byte.
await buildBundle();

const app = new App();
// Env-agnostic on purpose: no lookups, so synth needs no AWS credentials; `cdk deploy` takes the
// account and region from the profile.
addTokenHookStack(app, settingsFromContext(app.node));
app.synth();
