import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

// Top self-time entries of a V8 .cpuprofile, aggregated by function and file.
export function topEntries(file: string, count = 12): { name: string; selfPercent: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const hitsById = new Map<number, number>();
  for (const sample of profile.samples) hitsById.set(sample, (hitsById.get(sample) ?? 0) + 1);
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = hitsById.get(node.id) ?? 0;
    if (!hits) continue;
    const where = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where ? `${where}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
    byName.set(name, (byName.get(name) ?? 0) + hits);
  }
  const total = profile.samples.length || 1;
  return [...byName.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([name, hits]) => ({ name, selfPercent: Math.round((hits / total) * 1000) / 10 }));
}
