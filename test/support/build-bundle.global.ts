import { buildBundle } from '../../infra/bundles.ts';

// Built once, before any test file runs: the files that test the bundle read it, and none rebuilds it
// while another reads it.
export default async function setup(): Promise<void> {
  await buildBundle();
}
