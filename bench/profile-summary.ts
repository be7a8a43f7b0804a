/**
 * Where a CPU profile's time went: the functions with the most self time
 * (each with its file and line), then the same summed by where the code
 * lives (a Sluice package, node's internals, the bench, the garbage
 * collector, idle). Reads the `.cpuprofile` files `node --cpu-prof` writes.
 *
 * Run: pnpm bench:one bench/profile-summary.ts /tmp/prof/*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
const files = args.filter((arg, i) => !arg.startsWith('--') && i !== topAt + 1);

/** Where a frame's code lives, in a word. */
function placeOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)' || functionName === '(program)') return functionName.slice(1, -1);
  const sluice = /packages\/([^/]+)\/dist\//.exec(url);
  if (sluice) return `@sluice/${sluice[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'bench';
  return url === '' ? 'native' : 'other';
}

for (const file of files) {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Profile | Profile[];
  const selfByFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const profile of Array.isArray(parsed) ? parsed : [parsed]) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const micros = profile.timeDeltas[i] ?? 0;
      total += micros;
      const where = frame.url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/');
      const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
      selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + micros);
      const place = placeOf(frame.url, frame.functionName);
      byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
    });
  }
  const percent = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(2)} s sampled\n`);
  for (const [place, micros] of [...byPlace].sort((a, b) => b[1] - a[1])) console.log(`${percent(micros)}  ${place}`);
  console.log('');
  for (const [key, micros] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${percent(micros)}  ${key}`);
}
