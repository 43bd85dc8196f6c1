/**
 * Where a cold start's time goes: runs the bundle's cold load or cold first answer once under
 * `node --cpu-prof` and sums the samples' self time by module and by function.
 *
 *   npx tsx bench/profile.ts [load|first] [bundle file]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDynamoDbProcess } from '../local/embedded-dynamodb.ts';
import { buildBundle, BUNDLE_FILE } from '../infra/bundles.ts';
import { bundleFirstAnswer, bundleLoad, coldEnvironment } from './measure/cold-start.ts';
import { run } from './support/process-timer.ts';
import { seedPatients } from '../test/support/seeded-store.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Samples whose stack holds the module anywhere: what it costs with all it calls. */
  inclusiveByModule: Array<[string, number]>;
  /** Samples whose top frame is in the module. */
  selfByModule: Array<[string, number]>;
  selfByFunction: Array<[string, number]>;
}

/** Self time by module and by function, in ms, largest first. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const inclusiveByModule = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (!node) return;
    const module = moduleOf(node.callFrame.url, node.callFrame.functionName);
    add(selfByModule, module, ms);
    add(selfByFunction, `${node.callFrame.functionName || '(anonymous)'} ${module}:${node.callFrame.lineNumber + 1}`, ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame;
      if (frame?.url) onStack.add(moduleOf(frame.url, frame.functionName));
    }
    for (const name of onStack) add(inclusiveByModule, name, ms);
  });
  const sorted = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => [key, Math.round(ms * 100) / 100] as [string, number]);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    inclusiveByModule: sorted(inclusiveByModule),
    selfByModule: sorted(selfByModule),
    selfByFunction: sorted(selfByFunction),
  };
}

function moduleOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  if (url.includes('/dist/lambda/')) return 'bundle';
  if (url.startsWith('node:internal/deps/undici')) return 'undici (fetch, Headers)';
  const internal = /^node:internal\/(.*?)(\.js)?$/.exec(url);
  if (internal) return `node:${internal[1]?.split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

async function profileOnce(kind: 'load' | 'first', bundleFile: string): Promise<ProfileSummary> {
  const store = await startEmbeddedDynamoDbProcess();
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  try {
    await seedPatients(store.endpoint);
    const env = coldEnvironment(store.endpoint);
    const command = kind === 'load' ? bundleLoad(bundleFile, env) : bundleFirstAnswer(bundleFile, env);
    const [node, ...args] = command.argv;
    await run(node as string, ['--cpu-prof', '--cpu-prof-interval=50', `--cpu-prof-dir=${dir}`, ...args], env);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('node wrote no profile');
    return summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const kind = process.argv[2] === 'first' ? 'first' : 'load';
  if (process.argv[3] === undefined) await buildBundle();
  const bundleFile = process.argv[3] ?? BUNDLE_FILE;
  const summary = await profileOnce(kind, bundleFile);
  console.log(`cold ${kind} of ${bundleFile}: profile spans ${summary.totalMs.toFixed(1)} ms (sampled self time below)`);
  const list = (title: string, rows: Array<[string, number]>) => {
    console.log(`\n${title}`);
    for (const [name, ms] of rows) console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${name}`);
  };
  list('module on the stack (inclusive)', summary.inclusiveByModule);
  list('module at the top of the stack (self)', summary.selfByModule);
  list('function (self)', summary.selfByFunction);
}
