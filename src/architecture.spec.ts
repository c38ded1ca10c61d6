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

// One owner per table (README › Decisions): each feature's `<feature>.repository.ts` holds all the
// SQL (or entity access) of the tables it owns; services call it and hold none. src/database/
// (migrations, the migration lock, LISTEN/NOTIFY) is the plumbing under every repository.
const SQL_ACCESS = [/\.query\s*[<(]/, /createQueryBuilder/, /@InjectRepository\(/, /@InjectDataSource\(/];
const TABLE_REFERENCE = (table: string) => new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+"?${table}"?\\b`);
function migrationTables(): string[] {
  const directory = join(SRC, 'database', 'migrations');
  const tables = readdirSync(directory).flatMap((name) =>
    [...readFileSync(join(directory, name), 'utf8').matchAll(/CREATE TABLE "([a-z_]+)"/g)].map((match) => match[1]),
  );
  return [...new Set(tables)].sort();
}

// Entity class name -> table and the feature whose folder holds the entity.
function entityTables(): Map<string, { table: string; feature: string }> {
  const tables = new Map<string, { table: string; feature: string }>();
  for (const file of sourceFiles(SRC).filter((path) => path.endsWith('.entity.ts'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/@Entity\((?:\{ name: )?'([a-z_]+)'[\s\S]*?export class (\w+)/g)) {
      tables.set(match[2], { table: match[1], feature: featureOf(file)! });
    }
  }
  return tables;
}

export function tablesOf(source: string, tables: readonly string[], entities: Map<string, { table: string }>): string[] {
  const viaEntity = [...source.matchAll(/@InjectRepository\((\w+)\)/g)].map((match) => entities.get(match[1])?.table);
  return tables.filter((table) => TABLE_REFERENCE(table).test(source) || viaEntity.includes(table));
}

describe('data access', () => {
  const files = sourceFiles(SRC).filter((file) => featureOf(file) !== 'database');
  const repositories = files.filter((file) => file.endsWith('.repository.ts'));

  it('runs SQL only in repositories', () => {
    const offenders = files
      .filter((file) => !file.endsWith('.repository.ts'))
      .filter((file) => SQL_ACCESS.some((pattern) => pattern.test(readFileSync(file, 'utf8'))))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  it('gives every table exactly one owning repository, in the folder of its entity', () => {
    const tables = migrationTables();
    const entities = entityTables();
    expect(tables.length).toBeGreaterThan(10);
    const owners = new Map<string, string[]>(tables.map((table) => [table, []]));
    for (const file of repositories) {
      for (const table of tablesOf(readFileSync(file, 'utf8'), tables, entities)) owners.get(table)!.push(relative(SRC, file));
    }
    const wrong = [...owners].filter(([, files]) => files.length !== 1).map(([table, files]) => `${table}: ${files.join(', ') || 'none'}`);
    expect(wrong).toEqual([]);
    // The entity (what the migrations are generated from) sits in its owner's folder.
    const misplaced = [...entities.values()]
      .filter(({ table, feature }) => owners.get(table)?.[0]?.split(/[\\/]/)[0] !== feature)
      .map(({ table, feature }) => `${table}: entity in ${feature}/, owner ${owners.get(table)?.[0] ?? 'none'}`);
    expect(entities.size).toBe(tables.length);
    expect(misplaced).toEqual([]);
  });

  it('would report a table read outside its owner (the check itself)', () => {
    const entities = new Map([['Device', { table: 'devices' }]]);
    expect(tablesOf('SELECT 1 FROM devices d JOIN "user_languages" l ON true', ['devices', 'user_languages', 'files'], entities)).toEqual([
      'devices',
      'user_languages',
    ]);
    expect(tablesOf('@InjectRepository(Device) rows', ['devices'], entities)).toEqual(['devices']);
    expect(SQL_ACCESS.some((pattern) => pattern.test('await manager.query<Row[]>(sql)'))).toBe(true);
    expect(SQL_ACCESS.some((pattern) => pattern.test('const { since } = request.query as Query;'))).toBe(false);
  });
});
