// What a heap snapshot holds, by constructor (Chrome DevTools' Summary view, in a terminal):
//   node -r @swc-node/register bench/heap-summary.ts <after.heapsnapshot> [before.heapsnapshot] [--per N] [--rows N]
// Self sizes summed per node type and name (an object's constructor, a closure's function name,
// "(string)" for strings); with a second snapshot, the growth from it; with --per N (the stream
// count), bytes per stream.
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  count: number;
  bytes: number;
}

export function summarise(file: string): Map<string, HeapGroup> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const groups = new Map<string, HeapGroup>();
  for (let index = 0; index < heap.nodes.length; index += fields.length) {
    const type = types[heap.nodes[index + typeAt]];
    const key = type.endsWith('string') ? `(${type})` : `${type} ${heap.strings[heap.nodes[index + nameAt]]}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += heap.nodes[index + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

// A markdown table, largest first; `before` subtracted when given.
export function heapTable(after: Map<string, HeapGroup>, before?: Map<string, HeapGroup>, per?: number, rows = 40): string {
  const growth = [...after].map(([key, group]): [string, HeapGroup] => {
    const base = before?.get(key) ?? { count: 0, bytes: 0 };
    return [key, { count: group.count - base.count, bytes: group.bytes - base.bytes }];
  });
  const total = growth.reduce((sum, [, group]) => ({ count: sum.count + group.count, bytes: sum.bytes + group.bytes }), {
    count: 0,
    bytes: 0,
  });
  const line = (key: string, { count, bytes }: HeapGroup) =>
    `| ${key.replace(/\|/g, '\\|').slice(0, 70)} | ${count} | ${Math.round(bytes / 1024)} |${per ? ` ${Math.round(bytes / per)} |` : ''}\n`;
  return (
    `| ${before ? 'growth: ' : ''}node | count | self size (KB) |${per ? ' bytes a stream |' : ''}\n|---|---|---|${per ? '---|' : ''}\n` +
    growth
      .sort((left, right) => right[1].bytes - left[1].bytes)
      .slice(0, rows)
      .map(([key, group]) => line(key, group))
      .join('') +
    line('total', total)
  );
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : Number(argv.splice(at, 2)[1]);
  };
  const per = option('--per');
  const rows = option('--rows');
  const [afterFile, beforeFile] = argv;
  if (!afterFile) throw new Error('usage: heap-summary.ts <after.heapsnapshot> [before.heapsnapshot] [--per N] [--rows N]');
  process.stdout.write(heapTable(summarise(afterFile), beforeFile ? summarise(beforeFile) : undefined, per, rows));
}
