import { buildBundle } from '../infra/bundles.ts';

// `npm run build`: the bundles CDK deploys (infra/bundles.ts holds their configuration).
const { bytes, rotationBytes } = await buildBundle();
console.log(`dist/lambda/index.mjs: ${(bytes / 1024).toFixed(1)} KB`);
console.log(`dist/rotation/index.mjs: ${(rotationBytes / 1024).toFixed(1)} KB`);
