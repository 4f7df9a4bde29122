/**
 * Summarises a V8 CPU profile written by cpu-profile.ts: self time by function and by package (node_modules
 * package, Node internals, the repository's own folders), so a bench run's hot spots read without DevTools.
 *
 *   node -r @swc-node/register tools/bench/inference/top-functions.ts DIR/gateway-123.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

function packageOf(url: string): string {
  if (url === '') return '(native / idle / gc)';
  if (url.startsWith('node:')) return url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const own = /\/(apps|libs|tools)\/([^/]+)\/(?:src\/)?([^/]+)?/.exec(url);
  return own ? `${own[1]}/${own[2]}/${own[3] ?? ''}` : url;
}

function main(): void {
  const [file, n = '25'] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  // Sample-weighted self time: each sample is charged the delta that follows it.
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfMs.set(samples[i], (selfMs.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      idle += ms;
      continue;
    }
    total += ms;
    const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(apps|libs|tools)\//, '$1/')}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    pkg.set(packageOf(url), (pkg.get(packageOf(url)) ?? 0) + ms);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
  console.log(`busy ${total.toFixed(0)} ms (idle/program ${idle.toFixed(0)} ms)\n\nby package:`);
  for (const [k, v] of top(pkg)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log('\nby function (self):');
  for (const [k, v] of top(fn)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}

main();
