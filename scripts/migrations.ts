// Migration tooling without a standing database: `generate <Name>` starts a throwaway embedded
// Postgres, applies the existing migrations and writes the SQL that brings the schema up to the
// entities; `run` applies migrations to DATABASE_URL.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { pendingSchemaChanges, runMigrationsLocked } from '../src/database/migrate';

function migrationSource(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]) => queries.map((query) => `    await queryRunner.query(${JSON.stringify(query)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down.reverse())}
  }
}
`;
}

async function generate(name: string | undefined): Promise<void> {
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('Usage: npm run migration:generate -- <PascalCaseName>');
  const postgres = await startEmbeddedPostgres();
  const dataSource = new DataSource(dataSourceOptions(postgres.url));
  try {
    await dataSource.initialize();
    await runMigrationsLocked(dataSource);
    const { up, down } = await pendingSchemaChanges(dataSource);
    if (up.length === 0) {
      console.log('Entities and migrations agree; nothing to generate.');
      return;
    }
    const timestamp = Date.now();
    const file = join(__dirname, '..', 'src', 'database', 'migrations', `${timestamp}-${name}.ts`);
    await writeFile(file, migrationSource(`${name}${timestamp}`, up, down));
    console.log(`Wrote ${file}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await postgres.stop();
  }
}

async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const dataSource = await new DataSource(dataSourceOptions(url)).initialize();
  try {
    await runMigrationsLocked(dataSource);
    console.log('Migrations applied.');
  } finally {
    await dataSource.destroy();
  }
}

const [command, argument] = process.argv.slice(2);
(command === 'generate'
  ? generate(argument)
  : command === 'run'
    ? run()
    : Promise.reject(new Error('Usage: migrations.ts generate <Name> | run'))
).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
