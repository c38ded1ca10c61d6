import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { preProcessFile } from 'typescript';

// Feature-level import cycles (a folder under src/ importing, through any files, a folder that
// imports it back). File-level tools (madge, eslint-plugin-import's no-cycle) see only cycles
// between files, and two features can form a cycle through four files that none of them flag.
const SRC = resolve(__dirname);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

// The folder directly under src/; files in src/ itself (main, boot, the app module) wire
// everything together and are not a feature.
function featureOf(file: string): string | undefined {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts.length > 1 ? parts[0] : undefined;
}

export function featureGraph(files: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = featureOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const { fileName } of preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = featureOf(resolve(dirname(file), fileName));
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

export function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('feature import graph', () => {
  it('has no cycle between the folders under src/', () => {
    const graph = featureGraph(sourceFiles(SRC));
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('would report one (the check itself)', () => {
    const graph = new Map([
      ['common', new Set(['auth'])],
      ['auth', new Set(['common'])],
      ['files', new Set(['common'])],
    ]);
    expect(cycles(graph).map((cycle) => cycle.join(' -> '))).toEqual(['common -> auth -> common']);
  });
});

describe('the Intercom boundary', () => {
  // Features decide on named outcomes (IntercomNotFoundError, IntercomRepliesRefusedError, ...,
  // undefined from a read); only src/intercom/ knows which HTTP status means what.
  it('leaves no feature comparing Intercom HTTP statuses', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => featureOf(file) !== 'intercom')
      .map((file) => ({ file, source: readFileSync(file, 'utf8') }))
      .filter(({ source }) => source.includes("from '../intercom/") && /upstreamStatus|isStatus\(|statusCode/.test(source))
      .map(({ file }) => file)
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
